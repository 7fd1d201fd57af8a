// The conversion rollup (report_conversions): per conversion-time and click-time quarter hour, link,
// offer, goal and the click's country, device, OS and browser, a count per status and the revenue
// and payout of pending and approved conversions. SQLite keeps it by per-row triggers (migration
// 0009). PostgreSQL adds new conversions behind the inbound writers, from `conversions.seq` up to
// report_conversion_progress.rolled_through, and keeps status changes and deletions of rows up to
// that mark by statement-level triggers (migration 0026); reports read report_conversions_now, the
// rollup plus the conversions after the mark. See docs/decisions/0030-conversion-rollup-catch-up.md.
// Its sums by UTC hour and offer (report_conversion_hours) are kept by triggers on the rollup: on
// SQLite directly (migration 0027, decision 0031), on PostgreSQL through a log that the catch-up
// folds in (migration 0028, decision 0032).
import { sql } from 'kysely';

/** The rollup's key columns, in the order of its primary key. */
export const CONVERSION_KEY = 'bucket, click_bucket, link_id, offer_id, goal, country, device, os, browser';

/** The upsert tail that adds a row's counts to the rollup row of its key. */
export const ADD_CONVERSION_COUNTS_SQL = `on conflict (${CONVERSION_KEY}) do update set
  pending = report_conversions.pending + excluded.pending,
  approved = report_conversions.approved + excluded.approved,
  rejected = report_conversions.rejected + excluded.rejected,
  declined = report_conversions.declined + excluded.declined,
  reversed = report_conversions.reversed + excluded.reversed,
  revenue = report_conversions.revenue + excluded.revenue,
  payout = report_conversions.payout + excluded.payout`;
export const ADD_CONVERSION_COUNTS = sql.raw(ADD_CONVERSION_COUNTS_SQL);

/**
 * Conversion numbers added per catch-up transaction, at most: status changes and deletions wait
 * while one runs, so it stays short.
 */
export const CONVERSION_CATCH_UP_CHUNK = 20_000;
