// SQL for sign-in sessions; ids are hashes of the cookie's token.
import type { Db } from '../db/database.types.ts';
import type { UserRow, UserSessionRow } from './user.table.ts';

export async function insertSession(db: Db, row: Omit<UserSessionRow, 'revoked_at'>): Promise<void> {
  await db
    .insertInto('user_sessions')
    .values({ ...row, revoked_at: null })
    .execute();
}

export type SessionWithUser = UserSessionRow & {
  role: UserRow['role'];
  email: string;
  advertiser_id: number | null;
  publisher_id: number | null;
  disabled_at: number | null;
};

export function findSessionWithUser(db: Db, id: string): Promise<SessionWithUser | undefined> {
  return db
    .selectFrom('user_sessions')
    .innerJoin('users', 'users.id', 'user_sessions.user_id')
    .select([
      'user_sessions.id',
      'user_sessions.user_id',
      'user_sessions.csrf_token',
      'user_sessions.created_at',
      'user_sessions.last_seen_at',
      'user_sessions.expires_at',
      'user_sessions.revoked_at',
      'users.role',
      'users.email',
      'users.advertiser_id',
      'users.publisher_id',
      'users.disabled_at',
    ])
    .where('user_sessions.id', '=', id)
    .executeTakeFirst();
}

export async function touchSession(db: Db, id: string, now: number): Promise<void> {
  await db.updateTable('user_sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
}

export async function revokeSession(db: Db, id: string, now: number): Promise<void> {
  await db
    .updateTable('user_sessions')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function revokeSessionsOfUser(db: Db, userId: number, now: number): Promise<void> {
  await db
    .updateTable('user_sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}
