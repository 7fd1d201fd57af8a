/** The one row (id 1) of retention settings and the last run's outcome. */
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
}
