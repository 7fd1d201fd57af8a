// SQL of alert channels.
import type { Db } from '../db/database.types.ts';
import type { AlertChannelRow, NewAlertChannelRow } from './alert.table.ts';

export function insertAlertChannel(db: Db, row: NewAlertChannelRow): Promise<AlertChannelRow> {
  return db.insertInto('alert_channels').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findAlertChannel(db: Db, id: number): Promise<AlertChannelRow | undefined> {
  return db.selectFrom('alert_channels').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listAlertChannels(db: Db, ids?: readonly number[]): Promise<AlertChannelRow[]> {
  let q = db.selectFrom('alert_channels').selectAll().orderBy('id');
  if (ids) {
    if (ids.length === 0) return Promise.resolve([]);
    q = q.where('id', 'in', ids);
  }
  return q.execute();
}

export async function updateAlertChannel(
  db: Db,
  id: number,
  values: Partial<Pick<AlertChannelRow, 'name' | 'settings' | 'secret' | 'updated_at'>>,
): Promise<AlertChannelRow | undefined> {
  return db.updateTable('alert_channels').set(values).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteAlertChannel(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('alert_channels').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
