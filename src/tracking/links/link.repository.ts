// SQL for tracking links; the caller passes a handle or a transaction.
import type { Db } from '../../db/database.types.ts';
import type { LinkRow, LinkTable, NewLinkRow } from './link.table.ts';

export function insertLink(db: Db, row: NewLinkRow): Promise<LinkRow> {
  return db.insertInto('links').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findLinkById(db: Db, id: number): Promise<LinkRow | undefined> {
  return db.selectFrom('links').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findLinkRowBySlug(db: Db, slug: string): Promise<LinkRow | undefined> {
  return db.selectFrom('links').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function findLinkByOfferAndPublisher(
  db: Db,
  offerId: number,
  publisherId: number,
): Promise<LinkRow | undefined> {
  return db
    .selectFrom('links')
    .selectAll()
    .where('offer_id', '=', offerId)
    .where('publisher_id', '=', publisherId)
    .orderBy('id')
    .executeTakeFirst();
}

export interface LinkFilter {
  afterId?: number;
  limit: number;
  offerId?: number;
  publisherId?: number;
}

export function listLinks(db: Db, filter: LinkFilter): Promise<LinkRow[]> {
  let query = db
    .selectFrom('links')
    .selectAll()
    .orderBy('id')
    .limit(filter.limit + 1);
  if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId);
  if (filter.offerId !== undefined) query = query.where('offer_id', '=', filter.offerId);
  if (filter.publisherId !== undefined) query = query.where('publisher_id', '=', filter.publisherId);
  return query.execute();
}

export function updateLinkRow(
  db: Db,
  id: number,
  patch: Partial<Omit<LinkTable, 'id' | 'created_at'>>,
): Promise<LinkRow | undefined> {
  return db.updateTable('links').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteLinkRow(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('links').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
