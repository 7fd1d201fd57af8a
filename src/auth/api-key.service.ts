// API keys: random secrets shown once, stored only as a SHA-256 hash and a short prefix.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/database.types.ts';
import { AppError } from '../shared/errors.ts';
import { hasActiveAdminKey, insertApiKey } from './api-key.repository.ts';
import type { ApiKeyRow, KeyRole } from './api-key.table.ts';

export { revokeKeysBoundTo } from './api-key.repository.ts';

export const KEY_PREFIX_LENGTH = 10;

export function generateApiKey(): string {
  return `tw_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export interface NewApiKeyInput {
  role: KeyRole;
  advertiserId?: number | null;
  publisherId?: number | null;
  label?: string | null;
}

export interface CreatedApiKey {
  /** The secret itself: returned once, never stored. */
  key: string;
  row: ApiKeyRow;
}

export async function assertBinding(db: Db, input: NewApiKeyInput): Promise<void> {
  const { role, advertiserId, publisherId } = input;
  if (role === 'admin' && (advertiserId != null || publisherId != null)) {
    throw new AppError('validation_failed', 'role: admin keys are not bound to an advertiser or publisher');
  }
  if (role === 'advertiser') {
    if (advertiserId == null)
      throw new AppError('validation_failed', 'advertiserId: required for advertiser keys');
    if (publisherId != null)
      throw new AppError('validation_failed', 'publisherId: not allowed for advertiser keys');
    const found = await db
      .selectFrom('advertisers')
      .select('id')
      .where('id', '=', advertiserId)
      .executeTakeFirst();
    if (!found) throw new AppError('validation_failed', `advertiserId: no advertiser ${advertiserId}`);
  }
  if (role === 'publisher') {
    if (publisherId == null)
      throw new AppError('validation_failed', 'publisherId: required for publisher keys');
    if (advertiserId != null)
      throw new AppError('validation_failed', 'advertiserId: not allowed for publisher keys');
    const found = await db
      .selectFrom('publishers')
      .select('id')
      .where('id', '=', publisherId)
      .executeTakeFirst();
    if (!found) throw new AppError('validation_failed', `publisherId: no publisher ${publisherId}`);
  }
}

export async function createApiKey(db: Db, input: NewApiKeyInput, now: number): Promise<CreatedApiKey> {
  await assertBinding(db, input);
  const key = generateApiKey();
  const row = await insertApiKey(db, {
    role: input.role,
    advertiser_id: input.role === 'advertiser' ? (input.advertiserId ?? null) : null,
    publisher_id: input.role === 'publisher' ? (input.publisherId ?? null) : null,
    key_hash: hashApiKey(key),
    key_prefix: key.slice(0, KEY_PREFIX_LENGTH),
    label: input.label ?? null,
    created_at: now,
    revoked_at: null,
  });
  return { key, row };
}

/**
 * At first start without TRACKWIRE_ADMIN_KEY nobody could use the API, so one admin key is made
 * and returned for printing. Returns undefined when an active admin key already exists.
 */
export async function ensureFirstAdminKey(db: Db, now: number): Promise<string | undefined> {
  if (await hasActiveAdminKey(db)) return undefined;
  const created = await createApiKey(db, { role: 'admin', label: 'first admin key' }, now);
  return created.key;
}
