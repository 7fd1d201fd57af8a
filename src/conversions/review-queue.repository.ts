// The review queue's rows: pending conversions flagged for review, newest first. Every query names
// the partial index's own condition as literals (migration 0022) so both stores read that index,
// and only the held rows, whatever the size of the conversions table.
import { type SelectQueryBuilder, sql } from 'kysely';
import type { Database, Db } from '../db/database.types.ts';
import type { ConversionRow } from './conversion.table.ts';

export interface HeldScope {
  /** An advertiser key sees the held conversions of its own offers only. */
  advertiserId?: number;
}

function selectHeld(db: Db, scope: HeldScope): SelectQueryBuilder<Database, 'conversions', object> {
  let q = db
    .selectFrom('conversions')
    .where(sql.ref('status'), '=', sql.lit('pending'))
    .where(sql.ref('needs_review'), '=', sql.lit(1));
  if (scope.advertiserId !== undefined) q = q.where('advertiser_id', '=', scope.advertiserId);
  return q;
}

/** `limit + 1` held conversions below `beforeId` (exclusive), newest first. */
export function listHeldConversions(
  db: Db,
  scope: HeldScope,
  page: { limit: number; beforeId?: string },
): Promise<ConversionRow[]> {
  let q = selectHeld(db, scope).selectAll();
  if (page.beforeId !== undefined) q = q.where('id', '<', page.beforeId);
  return q
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute() as Promise<ConversionRow[]>;
}

/** How many conversions wait for review. */
export async function countHeldConversions(db: Db, scope: HeldScope): Promise<number> {
  const row = await selectHeld(db, scope)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
