// SQL for one-time links (setup, invites); rows are keyed by a hash of the link's token.
import type { Db } from '../db/database.types.ts';
import type { UserLinkRow } from './user.table.ts';

export async function insertUserLink(db: Db, row: Omit<UserLinkRow, 'used_at'>): Promise<void> {
  await db
    .insertInto('user_links')
    .values({ ...row, used_at: null })
    .execute();
}

export function findUserLink(db: Db, tokenHash: string): Promise<UserLinkRow | undefined> {
  return db.selectFrom('user_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Marks the link used; false when another request used it first. */
export async function consumeUserLink(db: Db, tokenHash: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('user_links')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
