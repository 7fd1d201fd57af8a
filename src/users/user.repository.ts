// SQL for users; the caller passes a handle or a transaction.
import type { Db } from '../db/database.types.ts';
import type { NewUserRow, UserRow } from './user.table.ts';

export function insertUser(db: Db, row: NewUserRow): Promise<UserRow> {
  return db.insertInto('users').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function hasAnyUser(db: Db): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}

export function listUsers(db: Db, page: { afterId?: number; limit: number }): Promise<UserRow[]> {
  let query = db
    .selectFrom('users')
    .selectAll()
    .orderBy('id')
    .limit(page.limit + 1);
  if (page.afterId !== undefined) query = query.where('id', '>', page.afterId);
  return query.execute();
}

export async function updateUserPassword(db: Db, id: number, passwordHash: string, now: number) {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function disableUser(db: Db, id: number, now: number): Promise<void> {
  await db
    .updateTable('users')
    .set({ disabled_at: now, updated_at: now })
    .where('id', '=', id)
    .where('disabled_at', 'is', null)
    .execute();
}
