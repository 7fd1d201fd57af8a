// Users: created by the CLI, by the first-run setup link or by an invite; bound like API keys.
import { assertBinding } from '../auth/api-key.service.ts';
import type { Db } from '../db/database.types.ts';
import { AppError } from '../shared/errors.ts';
import { assertPasswordAcceptable, hashPassword } from './password.ts';
import { revokeSessionsOfUser } from './session.repository.ts';
import { findUserByEmail, insertUser, updateUserPassword } from './user.repository.ts';
import type { UserRole, UserRow } from './user.table.ts';

export interface UserBinding {
  role: UserRole;
  advertiserId?: number | null;
  publisherId?: number | null;
}

export interface NewUserInput extends UserBinding {
  email: string;
  password: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email))
    throw new AppError('validation_failed', 'email: enter an address like name@example.com', {
      field: 'email',
    });
  return email;
}

export async function createUser(db: Db, input: NewUserInput, now: number): Promise<UserRow> {
  const email = normalizeEmail(input.email);
  assertPasswordAcceptable(input.password);
  await assertBinding(db, input);
  if (await findUserByEmail(db, email))
    throw new AppError('conflict', `email: a user with ${email} already exists`, { field: 'email' });
  return insertUser(db, {
    email,
    password_hash: await hashPassword(input.password),
    role: input.role,
    advertiser_id: input.role === 'advertiser' ? (input.advertiserId ?? null) : null,
    publisher_id: input.role === 'publisher' ? (input.publisherId ?? null) : null,
    created_at: now,
    updated_at: now,
    disabled_at: null,
  });
}

/** Sets a new password and signs the user out everywhere. */
export async function resetPassword(
  db: Db,
  rawEmail: string,
  password: string,
  now: number,
): Promise<UserRow> {
  const email = normalizeEmail(rawEmail);
  assertPasswordAcceptable(password);
  const user = await findUserByEmail(db, email);
  if (!user) throw new AppError('not_found', `no user with email ${email}`);
  await updateUserPassword(db, user.id, await hashPassword(password), now);
  await revokeSessionsOfUser(db, user.id, now);
  return user;
}

export function toUserView(row: UserRow) {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    advertiserId: row.advertiser_id,
    publisherId: row.publisher_id,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}
