// SQL for advertisers; the caller passes a handle or a transaction.
import type { Db } from '../../db/database.types.ts';
import type { AdvertiserRow, AdvertiserTable, NewAdvertiserRow } from './advertiser.table.ts';

export function insertAdvertiser(db: Db, row: NewAdvertiserRow): Promise<AdvertiserRow> {
  return db.insertInto('advertisers').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findAdvertiserById(db: Db, id: number): Promise<AdvertiserRow | undefined> {
  return db.selectFrom('advertisers').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findAdvertiserByName(db: Db, name: string): Promise<AdvertiserRow | undefined> {
  return db.selectFrom('advertisers').selectAll().where('name', '=', name).orderBy('id').executeTakeFirst();
}

export function listAdvertisers(
  db: Db,
  filter: { afterId?: number; limit: number; onlyId?: number },
): Promise<AdvertiserRow[]> {
  let query = db
    .selectFrom('advertisers')
    .selectAll()
    .orderBy('id')
    .limit(filter.limit + 1);
  if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId);
  if (filter.onlyId !== undefined) query = query.where('id', '=', filter.onlyId);
  return query.execute();
}

export function updateAdvertiserRow(
  db: Db,
  id: number,
  patch: Partial<Omit<AdvertiserTable, 'id' | 'created_at' | 'parameter_map'> & { parameter_map: string }>,
): Promise<AdvertiserRow | undefined> {
  return db.updateTable('advertisers').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteAdvertiserRow(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('advertisers').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function advertiserHasOffers(db: Db, id: number): Promise<boolean> {
  const row = await db
    .selectFrom('offers')
    .select('id')
    .where('advertiser_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
