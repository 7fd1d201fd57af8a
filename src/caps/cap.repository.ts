// Caps SQL only; the caller passes the handle so it owns the transaction.
import { sql } from 'kysely';
import type { Db } from '../db/database.types.ts';
import type { OfferCapRow, OfferCapTable } from './cap.table.ts';

export function listCapsOfOffer(db: Db, offerId: number): Promise<OfferCapRow[]> {
  return db.selectFrom('offer_caps').selectAll().where('offer_id', '=', offerId).orderBy('id').execute();
}

export function listAllCaps(db: Db): Promise<OfferCapRow[]> {
  return db.selectFrom('offer_caps').selectAll().orderBy('id').execute();
}

export function insertCap(db: Db, row: Omit<OfferCapTable, 'id'>): Promise<OfferCapRow> {
  return db.insertInto('offer_caps').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function deleteCap(db: Db, offerId: number, id: number): Promise<boolean> {
  const { numDeletedRows } = await db
    .deleteFrom('offer_caps')
    .where('id', '=', id)
    .where('offer_id', '=', offerId)
    .executeTakeFirst();
  return numDeletedRows > 0n;
}

/**
 * Takes `amount` of the cap's period if it fits under `limit`; false when it does not. The usage
 * row's write lock makes two takers racing for the last slot queue: one fits, the other does not.
 */
export async function takeCapUsage(
  db: Db,
  capId: number,
  key: string,
  amount: number,
  limit: number,
): Promise<boolean> {
  await db
    .insertInto('cap_usage')
    .values({ cap_id: capId, period_key: key, used: 0 })
    .onConflict((oc) => oc.columns(['cap_id', 'period_key']).doNothing())
    .execute();
  const taken = await db
    .updateTable('cap_usage')
    .set({ used: sql<number>`used + ${amount}` })
    .where('cap_id', '=', capId)
    .where('period_key', '=', key)
    .where(sql<boolean>`used + ${amount} <= ${limit}`)
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) > 0;
}

/** Gives back what takeCapUsage took (the conversion turned out to be a duplicate). */
export async function releaseCapUsage(db: Db, capId: number, key: string, amount: number): Promise<void> {
  await db
    .updateTable('cap_usage')
    .set({ used: sql<number>`used - ${amount}` })
    .where('cap_id', '=', capId)
    .where('period_key', '=', key)
    .execute();
}

export async function findCapUsage(db: Db, capId: number, key: string): Promise<number> {
  const row = await db
    .selectFrom('cap_usage')
    .select('used')
    .where('cap_id', '=', capId)
    .where('period_key', '=', key)
    .executeTakeFirst();
  return row ? Number(row.used) : 0;
}
