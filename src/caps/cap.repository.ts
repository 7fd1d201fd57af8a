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

/** Each cap with what it has used in its current period (the day and month keys given). */
export function listCapsWithUsage(
  db: Db,
  keys: { day: string; month: string },
): Promise<(OfferCapRow & { used: number | null })[]> {
  return db
    .selectFrom('offer_caps')
    .leftJoin('cap_usage', (join) =>
      join
        .onRef('cap_usage.cap_id', '=', 'offer_caps.id')
        .on(
          'cap_usage.period_key',
          '=',
          sql<string>`case offer_caps.period when 'day' then ${keys.day} when 'month' then ${keys.month} else 'total' end`,
        ),
    )
    .selectAll('offer_caps')
    .select('cap_usage.used')
    .orderBy('offer_caps.id')
    .execute();
}

export function updateCap(
  db: Db,
  offerId: number,
  id: number,
  patch: Partial<Omit<OfferCapTable, 'id' | 'offer_id' | 'created_at'>>,
): Promise<OfferCapRow | undefined> {
  return db
    .updateTable('offer_caps')
    .set(patch)
    .where('id', '=', id)
    .where('offer_id', '=', offerId)
    .returningAll()
    .executeTakeFirst();
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
 * Takes `amount` of the cap's period if it fits under `limit`: what the period has used after it, or
 * null when it does not fit. The usage row's write lock makes two takers racing for the last slot
 * queue: one fits, the other does not.
 */
export async function takeCapUsage(
  db: Db,
  capId: number,
  key: string,
  amount: number,
  limit: number,
): Promise<number | null> {
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
    .returning('used')
    .executeTakeFirst();
  return taken ? Number(taken.used) : null;
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
