/** The one row (id 1) of retention settings, how far each pass has come, and the last run. */
export interface RetentionSettingsTable {
  id: number;
  /** Clicks older than this lose their IP's host part and their user agent; null = never. */
  anonymize_after_days: number | null;
  /** Inbound log bodies and attempt bodies older than this are deleted; null = never. */
  purge_bodies_after_days: number | null;
  updated_at: number;
  last_run_at: number | null;
  /** JSON of RetentionRun. */
  last_run: string | null;
  /** Every click up to this id has been anonymised (ids are in time order). */
  click_cursor: string;
  /** Every postback_log row up to this id has had its body deleted. */
  log_cursor: number;
  /** Every delivery_attempts row up to this id has had its bodies deleted. */
  attempt_cursor: number;
}
