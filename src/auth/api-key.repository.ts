// SQL for API keys; the caller passes a handle or a transaction.
import type { Db } from '../db/database.types.ts';
import type { ApiKeyRow, NewApiKeyRow } from './api-key.table.ts';

export function insertApiKey(db: Db, row: NewApiKeyRow): Promise<ApiKeyRow> {
  return db.insertInto('api_keys').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findApiKeyByHash(db: Db, keyHash: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
}

export function findApiKeyById(db: Db, id: number): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listApiKeys(db: Db, page: { afterId?: number; limit: number }): Promise<ApiKeyRow[]> {
  let query = db
    .selectFrom('api_keys')
    .selectAll()
    .orderBy('id')
    .limit(page.limit + 1);
  if (page.afterId !== undefined) query = query.where('id', '>', page.afterId);
  return query.execute();
}

export async function hasActiveAdminKey(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom('api_keys')
    .select('id')
    .where('role', '=', 'admin')
    .where('revoked_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function revokeApiKey(db: Db, id: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Keys bound to an object that is being deleted stop working with it. */
export async function revokeKeysBoundTo(
  db: Db,
  owner: { advertiserId?: number; publisherId?: number },
  now: number,
): Promise<void> {
  let query = db.updateTable('api_keys').set({ revoked_at: now }).where('revoked_at', 'is', null);
  if (owner.advertiserId !== undefined) query = query.where('advertiser_id', '=', owner.advertiserId);
  if (owner.publisherId !== undefined) query = query.where('publisher_id', '=', owner.publisherId);
  await query.execute();
}
