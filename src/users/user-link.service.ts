// One-time links: the first admin's setup link (printed at start while no user exists) and invites
// made by an admin. Each creates one user and signs them in; a used or expired link does nothing.
import { createHash, randomBytes } from 'node:crypto';
import { assertBinding } from '../auth/api-key.service.ts';
import type { Db } from '../db/database.types.ts';
import { AppError } from '../shared/errors.ts';
import { INVITE_LINK_MS, SETUP_LINK_MS } from './limits.ts';
import { hasAnyUser } from './user.repository.ts';
import { createUser, normalizeEmail, type UserBinding } from './user.service.ts';
import type { UserLinkRow, UserRow } from './user.table.ts';
import { consumeUserLink, findUserLink, insertUserLink } from './user-link.repository.ts';

const hashLinkToken = (token: string) => createHash('sha256').update(token).digest('hex');
const invalidLink = () => new AppError('not_found', 'This link is invalid, already used or expired.');

export interface CreatedLink {
  token: string;
  expiresAt: number;
}

async function createLink(
  db: Db,
  row: Omit<UserLinkRow, 'token_hash' | 'created_at' | 'expires_at' | 'used_at'>,
  lifetimeMs: number,
  now: number,
): Promise<CreatedLink> {
  const token = randomBytes(24).toString('base64url');
  const expiresAt = now + lifetimeMs;
  await insertUserLink(db, {
    ...row,
    token_hash: hashLinkToken(token),
    created_at: now,
    expires_at: expiresAt,
  });
  return { token, expiresAt };
}

/** A setup link while no user exists; undefined once one does. */
export async function createSetupLinkIfNoUser(db: Db, now: number): Promise<CreatedLink | undefined> {
  if (await hasAnyUser(db)) return undefined;
  return createLink(
    db,
    { kind: 'setup', email: null, role: 'admin', advertiser_id: null, publisher_id: null, created_by: null },
    SETUP_LINK_MS,
    now,
  );
}

export async function createInvite(
  db: Db,
  input: UserBinding & { email: string },
  createdBy: number | null,
  now: number,
): Promise<CreatedLink & { email: string }> {
  const email = normalizeEmail(input.email);
  await assertBinding(db, input);
  const link = await createLink(
    db,
    {
      kind: 'invite',
      email,
      role: input.role,
      advertiser_id: input.role === 'advertiser' ? (input.advertiserId ?? null) : null,
      publisher_id: input.role === 'publisher' ? (input.publisherId ?? null) : null,
      created_by: createdBy,
    },
    INVITE_LINK_MS,
    now,
  );
  return { ...link, email };
}

export async function findUsableLink(db: Db, token: string, now: number): Promise<UserLinkRow> {
  const row = await findUserLink(db, hashLinkToken(token));
  if (!row || row.used_at !== null || row.expires_at <= now) throw invalidLink();
  if (row.kind === 'setup' && (await hasAnyUser(db))) throw invalidLink();
  return row;
}

/** Uses the link once: creates its user (email from the invite, or chosen on setup). */
export async function acceptLink(
  db: Db,
  token: string,
  input: { email?: string; password: string },
  now: number,
): Promise<UserRow> {
  return db.transaction().execute(async (trx) => {
    const link = await findUsableLink(trx, token, now);
    const email = link.email ?? input.email;
    if (!email) throw new AppError('validation_failed', 'email: required', { field: 'email' });
    const user = await createUser(
      trx,
      {
        email,
        password: input.password,
        role: link.role,
        advertiserId: link.advertiser_id,
        publisherId: link.publisher_id,
      },
      now,
    );
    if (!(await consumeUserLink(trx, link.token_hash, now))) throw invalidLink();
    return user;
  });
}
