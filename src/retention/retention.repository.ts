// SQL of the retention passes: each reads one small batch past its cursor and changes it in one
// short transaction, so the click path never waits long for a lock.
import type { Db } from '../db/database.types.ts';
import type { RetentionSettingsTable } from './retention.table.ts';

const SETTINGS_ID = 1;

export async function readRetentionSettings(db: Db, now: number): Promise<RetentionSettingsTable> {
  const row = await db
    .selectFrom('retention_settings')
    .selectAll()
    .where('id', '=', SETTINGS_ID)
    .executeTakeFirst();
  if (row) return row;
  await db
    .insertInto('retention_settings')
    .values({
      id: SETTINGS_ID,
      anonymize_after_days: null,
      purge_bodies_after_days: null,
      updated_at: now,
      click_cursor: '',
      log_cursor: 0,
      attempt_cursor: 0,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return db
    .selectFrom('retention_settings')
    .selectAll()
    .where('id', '=', SETTINGS_ID)
    .executeTakeFirstOrThrow();
}

export async function writeRetentionSettings(
  db: Db,
  values: Partial<Omit<RetentionSettingsTable, 'id'>>,
): Promise<void> {
  await db.updateTable('retention_settings').set(values).where('id', '=', SETTINGS_ID).execute();
}

export function nextClicksToAnonymize(db: Db, afterId: string, beforeId: string, limit: number) {
  return db
    .selectFrom('clicks')
    .select(['id', 'ip'])
    .where('id', '>', afterId)
    .where('id', '<', beforeId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Sets each click's IP to its anonymised form and drops its user agent. */
export async function anonymizeClicks(db: Db, byIp: Map<string | null, string[]>): Promise<void> {
  for (const [ip, ids] of byIp) {
    await db.updateTable('clicks').set({ ip, user_agent: null }).where('id', 'in', ids).execute();
  }
}

export function nextLogRows(db: Db, afterId: number, limit: number) {
  return db
    .selectFrom('postback_log')
    .select(['id', 'received_at as at'])
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function dropLogBodies(db: Db, fromId: number, toId: number): Promise<number> {
  const result = await db
    .updateTable('postback_log')
    .set({ body: null })
    .where('id', '>=', fromId)
    .where('id', '<=', toId)
    .where('body', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export function nextAttemptRows(db: Db, afterId: number, limit: number) {
  return db
    .selectFrom('delivery_attempts')
    .select(['id', 'created_at as at'])
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function dropAttemptBodies(db: Db, fromId: number, toId: number): Promise<number> {
  const result = await db
    .updateTable('delivery_attempts')
    .set({ request_body: null, response_excerpt: null })
    .where('id', '>=', fromId)
    .where('id', '<=', toId)
    .where((eb) => eb.or([eb('request_body', 'is not', null), eb('response_excerpt', 'is not', null)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
