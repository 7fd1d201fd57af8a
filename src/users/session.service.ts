// Sign-in sessions: a random token in an HttpOnly cookie, stored only as its hash, with an idle
// and an absolute expiry, revoked server-side on sign-out.
import { createHash, randomBytes } from 'node:crypto';
import type { Principal } from '../auth/principal.ts';
import type { Db } from '../db/database.types.ts';
import { AppError } from '../shared/errors.ts';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, SESSION_TOUCH_MS } from './limits.ts';
import { verifyDecoyPassword, verifyPassword } from './password.ts';
import { findSessionWithUser, insertSession, revokeSession, touchSession } from './session.repository.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';
import { findUserByEmail } from './user.repository.ts';
import type { UserRow } from './user.table.ts';

export interface SessionUser {
  id: number;
  email: string;
  role: Principal['role'];
  advertiserId: number | null;
  publisherId: number | null;
}

export interface ActiveSession {
  id: string;
  csrfToken: string;
  user: SessionUser;
  principal: Principal;
}

export interface NewSession {
  /** Goes into the cookie; never stored. */
  token: string;
  csrfToken: string;
  expiresAt: number;
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function startSession(db: Db, user: UserRow, now: number): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = now + SESSION_ABSOLUTE_MS;
  await insertSession(db, {
    id: hashSessionToken(token),
    user_id: user.id,
    csrf_token: csrfToken,
    created_at: now,
    last_seen_at: now,
    expires_at: expiresAt,
  });
  return { token, csrfToken, expiresAt };
}

/** Checks email and password, throttled per account and per address; the same error for both mistakes. */
export async function signIn(
  db: Db,
  throttle: SignInThrottle,
  input: { email: string; password: string; ip: string },
  now: number,
): Promise<{ user: UserRow; session: NewSession }> {
  const email = input.email.trim().toLowerCase();
  throttle.assertAllowed(email, input.ip, now);
  const user = await findUserByEmail(db, email);
  const ok = user
    ? await verifyPassword(input.password, user.password_hash)
    : await verifyDecoyPassword(input.password);
  if (!user || !ok || user.disabled_at !== null) {
    throttle.recordFailure(email, input.ip, now);
    throw new AppError('unauthorized', 'Wrong email or password.');
  }
  throttle.recordSuccess(email);
  return { user, session: await startSession(db, user, now) };
}

/** The live session behind a cookie token, or undefined when unknown, revoked, idle too long or past its end. */
export async function resolveSession(db: Db, token: string, now: number): Promise<ActiveSession | undefined> {
  const row = await findSessionWithUser(db, hashSessionToken(token));
  if (!row || row.revoked_at !== null || row.disabled_at !== null) return undefined;
  if (row.expires_at <= now || row.last_seen_at + SESSION_IDLE_MS <= now) return undefined;
  if (now - row.last_seen_at >= SESSION_TOUCH_MS) await touchSession(db, row.id, now);
  const user: SessionUser = {
    id: row.user_id,
    email: row.email,
    role: row.role,
    advertiserId: row.advertiser_id,
    publisherId: row.publisher_id,
  };
  return {
    id: row.id,
    csrfToken: row.csrf_token,
    user,
    principal: {
      role: row.role,
      advertiserId: row.advertiser_id,
      publisherId: row.publisher_id,
      keyId: null,
    },
  };
}

export function endSession(db: Db, sessionId: string, now: number): Promise<void> {
  return revokeSession(db, sessionId, now);
}
