// SQL for offers and their goals; the caller passes a handle or a transaction.
import { sql, type Updateable } from 'kysely';
import type { Db } from '../../db/database.types.ts';
import type {
  NewOfferRow,
  OfferGoalRow,
  OfferPublisherPayoutRow,
  OfferRow,
  OfferTable,
} from './offer.table.ts';
import type { PayoutType } from './payout-terms.ts';

export function insertOffer(db: Db, row: NewOfferRow): Promise<OfferRow> {
  return db.insertInto('offers').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findOfferById(db: Db, id: number): Promise<OfferRow | undefined> {
  return db.selectFrom('offers').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findOfferByName(db: Db, advertiserId: number, name: string): Promise<OfferRow | undefined> {
  return db
    .selectFrom('offers')
    .selectAll()
    .where('advertiser_id', '=', advertiserId)
    .where('name', '=', name)
    .orderBy('id')
    .executeTakeFirst();
}

export interface OfferFilter {
  afterId?: number;
  limit: number;
  advertiserId?: number;
  /** Only offers this publisher has a link to. */
  linkedToPublisherId?: number;
  /** Only offers whose name contains this (any case), or whose id it is. */
  search?: string;
}

export function listOffers(db: Db, filter: OfferFilter): Promise<OfferRow[]> {
  let query = db
    .selectFrom('offers')
    .selectAll()
    .orderBy('id')
    .limit(filter.limit + 1);
  if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId);
  if (filter.advertiserId !== undefined) query = query.where('advertiser_id', '=', filter.advertiserId);
  if (filter.search) {
    const pattern = `%${filter.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const id = /^\d{1,9}$/.test(filter.search) ? Number(filter.search) : -1;
    query = query.where((eb) =>
      eb.or([sql<boolean>`lower(${eb.ref('name')}) like ${pattern} escape '\\'`, eb('id', '=', id)]),
    );
  }
  const publisherId = filter.linkedToPublisherId;
  if (publisherId !== undefined) {
    query = query.where('id', 'in', (eb) =>
      eb.selectFrom('links').select('links.offer_id').where('links.publisher_id', '=', publisherId),
    );
  }
  return query.execute();
}

export async function isOfferLinkedToPublisher(
  db: Db,
  offerId: number,
  publisherId: number,
): Promise<boolean> {
  const row = await db
    .selectFrom('links')
    .select('id')
    .where('offer_id', '=', offerId)
    .where('publisher_id', '=', publisherId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export function updateOfferRow(
  db: Db,
  id: number,
  patch: Omit<Updateable<OfferTable>, 'id' | 'created_at'>,
): Promise<OfferRow | undefined> {
  return db.updateTable('offers').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteOfferRow(db: Db, id: number): Promise<boolean> {
  await db.deleteFrom('offer_goals').where('offer_id', '=', id).execute();
  await db.deleteFrom('offer_publisher_payouts').where('offer_id', '=', id).execute();
  const result = await db.deleteFrom('offers').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function offerHasLinks(db: Db, id: number): Promise<boolean> {
  const row = await db
    .selectFrom('links')
    .select('id')
    .where('offer_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export interface GoalValues {
  key: string;
  name: string;
  payoutType: PayoutType;
  payout: number | null;
  revenue: number | null;
}

export async function replaceOfferGoals(db: Db, offerId: number, goals: GoalValues[]): Promise<void> {
  await db.deleteFrom('offer_goals').where('offer_id', '=', offerId).execute();
  if (goals.length === 0) return;
  await db
    .insertInto('offer_goals')
    .values(
      goals.map((g) => ({
        offer_id: offerId,
        key: g.key,
        name: g.name,
        payout_type: g.payoutType,
        payout: g.payout,
        revenue: g.revenue,
      })),
    )
    .execute();
}

export async function findGoalsOfOffers(db: Db, offerIds: number[]): Promise<Map<number, OfferGoalRow[]>> {
  const byOffer = new Map<number, OfferGoalRow[]>(offerIds.map((id) => [id, []]));
  if (offerIds.length === 0) return byOffer;
  const rows = await db
    .selectFrom('offer_goals')
    .selectAll()
    .where('offer_id', 'in', offerIds)
    .orderBy('id')
    .execute();
  for (const row of rows) byOffer.get(row.offer_id)?.push(row);
  return byOffer;
}

export interface PublisherPayoutValues {
  publisherId: number;
  payoutType: PayoutType;
  payout: number;
}

export async function replaceOfferPublisherPayouts(
  db: Db,
  offerId: number,
  payouts: PublisherPayoutValues[],
): Promise<void> {
  await db.deleteFrom('offer_publisher_payouts').where('offer_id', '=', offerId).execute();
  if (payouts.length === 0) return;
  await db
    .insertInto('offer_publisher_payouts')
    .values(
      payouts.map((p) => ({
        offer_id: offerId,
        publisher_id: p.publisherId,
        payout_type: p.payoutType,
        payout: p.payout,
      })),
    )
    .execute();
}

export async function findPublisherPayoutsOfOffers(
  db: Db,
  offerIds: number[],
): Promise<Map<number, OfferPublisherPayoutRow[]>> {
  const byOffer = new Map<number, OfferPublisherPayoutRow[]>(offerIds.map((id) => [id, []]));
  if (offerIds.length === 0) return byOffer;
  const rows = await db
    .selectFrom('offer_publisher_payouts')
    .selectAll()
    .where('offer_id', 'in', offerIds)
    .orderBy('publisher_id')
    .execute();
  for (const row of rows) byOffer.get(row.offer_id)?.push(row);
  return byOffer;
}

/** The ids among `ids` that name no publisher. */
export async function findMissingPublisherIds(db: Db, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('publishers').select('id').where('id', 'in', ids).execute();
  const found = new Set(rows.map((r) => r.id));
  return ids.filter((id) => !found.has(id));
}
