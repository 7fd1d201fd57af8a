import type { Generated, Insertable, Selectable } from 'kysely';

/** A saved column mapping for one advertiser's exports. */
export interface ReconciliationPresetTable {
  id: Generated<number>;
  advertiser_id: number;
  name: string;
  /** everflow | tune | affise | keitaro | custom */
  format: string;
  /** JSON of ColumnMapping. */
  mapping: string;
  time_zone: string;
  currency: string;
  created_at: number;
  updated_at: number;
}
export type ReconciliationPresetRow = Selectable<ReconciliationPresetTable>;

/** One discrepancy check of an uploaded export against our conversions. */
export interface ReconciliationTable {
  id: string;
  advertiser_id: number;
  format: string;
  mapping: string;
  time_zone: string;
  currency: string;
  /** The export's date range, inclusive, as days in its time zone (YYYY-MM-DD). */
  from_day: string;
  to_day: string;
  tolerance: number;
  rows_read: number;
  /** JSON: findings by kind. */
  counts: string;
  /** JSON: DayOfferRow[]. */
  days: string;
  created_by: string | null;
  created_at: number;
}
export type ReconciliationRow = Selectable<ReconciliationTable>;
export type NewReconciliationRow = Insertable<ReconciliationTable>;

export const FINDING_KINDS = [
  'missing_ours',
  'missing_theirs',
  'status_mismatch',
  'payout_mismatch',
  'day_shifted',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** One difference between the export and our conversions. */
export interface ReconciliationFindingTable {
  id: Generated<number>;
  reconciliation_id: string;
  kind: FindingKind;
  /** The export's line (1 = header), null for rows only we have. */
  line: number | null;
  /** The day in the export's time zone. */
  day: string | null;
  offer_id: number | null;
  click_id: string | null;
  txn_id: string | null;
  conversion_id: string | null;
  their_status: string | null;
  our_status: string | null;
  their_amount: number | null;
  our_amount: number | null;
  their_day: string | null;
  /** Our conversion's day in UTC, as our reports show it. */
  our_day: string | null;
  /** created | accepted | failed, once the operator acted on it. */
  resolution: string | null;
  /** The inbound result code or the error code of that action. */
  resolution_code: string | null;
  resolved_at: number | null;
}
export type ReconciliationFindingRow = Selectable<ReconciliationFindingTable>;
export type NewReconciliationFindingRow = Insertable<ReconciliationFindingTable>;
