// SQL for publishers; the caller passes a handle or a transaction.
import type { Db } from '../../db/database.types.ts';
import type { NewPublisherRow, PublisherRow, PublisherTable } from './publisher.table.ts';

export function insertPublisher(db: Db, row: NewPublisherRow): Promise<PublisherRow> {
  return db.insertInto('publishers').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findPublisherById(db: Db, id: number): Promise<PublisherRow | undefined> {
  return db.selectFrom('publishers').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findPublisherByName(db: Db, name: string): Promise<PublisherRow | undefined> {
  return db.selectFrom('publishers').selectAll().where('name', '=', name).orderBy('id').executeTakeFirst();
}

export function listPublishers(
  db: Db,
  filter: { afterId?: number; limit: number; onlyId?: number },
): Promise<PublisherRow[]> {
  let query = db
    .selectFrom('publishers')
    .selectAll()
    .orderBy('id')
    .limit(filter.limit + 1);
  if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId);
  if (filter.onlyId !== undefined) query = query.where('id', '=', filter.onlyId);
  return query.execute();
}

export function updatePublisherRow(
  db: Db,
  id: number,
  patch: Partial<Omit<PublisherTable, 'id' | 'created_at'>>,
): Promise<PublisherRow | undefined> {
  return db.updateTable('publishers').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deletePublisherRow(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('publishers').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Links and postbacks reference the publisher and must go first. */
export async function publisherHasDependents(db: Db, id: number): Promise<boolean> {
  const link = await db
    .selectFrom('links')
    .select('id')
    .where('publisher_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  if (link) return true;
  const postback = await db
    .selectFrom('postbacks')
    .select('id')
    .where('publisher_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  return postback !== undefined;
}
