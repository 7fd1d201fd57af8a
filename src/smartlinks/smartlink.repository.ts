// SmartLink SQL only; the caller passes the db or a transaction.

import type { Updateable } from 'kysely';
import type { Db } from '../db/database.types.ts';
import type { NewSmartLinkRow, SmartLinkRow, SmartLinkTable } from './smartlink.table.ts';

export function insertSmartLink(db: Db, row: NewSmartLinkRow): Promise<SmartLinkRow> {
  return db.insertInto('smartlinks').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findSmartLinkRow(db: Db, id: number): Promise<SmartLinkRow | undefined> {
  return db.selectFrom('smartlinks').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listSmartLinkRows(
  db: Db,
  afterId: number | undefined,
  limit: number,
): Promise<SmartLinkRow[]> {
  let query = db
    .selectFrom('smartlinks')
    .selectAll()
    .orderBy('id')
    .limit(limit + 1);
  if (afterId !== undefined) query = query.where('id', '>', afterId);
  return query.execute();
}

export function listAutoOptimizedSmartLinks(db: Db): Promise<SmartLinkRow[]> {
  return db.selectFrom('smartlinks').selectAll().where('auto_optimize', '=', 1).orderBy('id').execute();
}

export function updateSmartLinkRow(
  db: Db,
  id: number,
  patch: Omit<Updateable<SmartLinkTable>, 'id' | 'created_at'>,
): Promise<SmartLinkRow | undefined> {
  return db.updateTable('smartlinks').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteSmartLinkRow(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('smartlinks').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Every SmartLink's id and rules (the table is small: one row per SmartLink, not per click). */
export function listSmartLinkRules(db: Db): Promise<{ id: number; rules: string }[]> {
  return db.selectFrom('smartlinks').select(['id', 'rules']).orderBy('id').execute();
}

export async function smartLinkHasLinks(db: Db, id: number): Promise<boolean> {
  const row = await db
    .selectFrom('links')
    .select('id')
    .where('smartlink_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Offer id → what a click routed to it needs. */
export async function findOfferDestinations(
  db: Db,
  ids: readonly number[],
): Promise<Map<number, { advertiserId: number; url: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('offers')
    .select(['id', 'advertiser_id', 'url'])
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((r) => [Number(r.id), { advertiserId: Number(r.advertiser_id), url: r.url }]));
}

/**
 * Per offer, the clicks this SmartLink sent it since `since` and the revenue of their conversions
 * that count (pending or approved). Reads through the clicks_offer_time index.
 */
export async function offerEarningsSince(
  db: Db,
  smartlinkId: number,
  offerIds: readonly number[],
  since: number,
): Promise<Map<number, { clicks: number; revenue: number }>> {
  const out = new Map<number, { clicks: number; revenue: number }>();
  if (offerIds.length === 0) return out;
  const clicks = await db
    .selectFrom('clicks')
    .select(['offer_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('offer_id', 'in', [...offerIds])
    .where('created_at', '>=', since)
    .where('smartlink_id', '=', smartlinkId)
    .groupBy('offer_id')
    .execute();
  for (const row of clicks) out.set(Number(row.offer_id), { clicks: Number(row.n), revenue: 0 });
  const revenue = await db
    .selectFrom('conversions')
    .innerJoin('clicks', 'clicks.id', 'conversions.click_id')
    .select(['clicks.offer_id', (eb) => eb.fn.sum<number>('conversions.revenue').as('revenue')])
    .where('clicks.offer_id', 'in', [...offerIds])
    .where('clicks.created_at', '>=', since)
    .where('clicks.smartlink_id', '=', smartlinkId)
    .where('conversions.status', 'in', ['pending', 'approved'])
    .groupBy('clicks.offer_id')
    .execute();
  for (const row of revenue) {
    const entry = out.get(Number(row.offer_id));
    if (entry) entry.revenue = Number(row.revenue ?? 0);
  }
  return out;
}

/** The SmartLink by id, not yet run: for a prepared lookup (`id` may be its placeholder). */
// biome-ignore lint/suspicious/noExplicitAny: `id` may be a prepared lookup's placeholder
export function selectSmartLinkById(db: Db, id: any) {
  return db
    .selectFrom('smartlinks')
    .select(['id', 'rules', 'fallback_url', 'auto_optimize', 'optimized_weights'])
    .where('id', '=', id);
}

export type CompilableSmartLinkRow = Pick<
  SmartLinkRow,
  'id' | 'rules' | 'fallback_url' | 'auto_optimize' | 'optimized_weights'
>;

export interface OfferDestinationRow {
  id: number;
  advertiser_id: number;
  url: string;
}

/** What a click routed to an offer needs, not yet run: for a prepared lookup. */
// biome-ignore lint/suspicious/noExplicitAny: `id` may be a prepared lookup's placeholder
export function selectOfferDestinationById(db: Db, id: any) {
  return db.selectFrom('offers').select(['id', 'advertiser_id', 'url']).where('id', '=', id);
}
