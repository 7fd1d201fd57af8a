// Publisher rules: a security token for their postbacks and a Standard Webhooks signing secret
// whose rotation keeps the previous secret valid for a day, so receivers can switch without loss.
import { randomBytes } from 'node:crypto';
import { revokeKeysBoundTo } from '../../auth/api-key.service.ts';
import { API_KEYS_CHANGED } from '../../auth/authenticate.ts';
import type { AppContext } from '../../server/app-context.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import {
  deletePublisherRow,
  findPublisherById,
  insertPublisher,
  publisherHasDependents,
  updatePublisherRow,
} from './publisher.repository.ts';
import type { PublisherRow } from './publisher.table.ts';

export { findPublisherById } from './publisher.repository.ts';

export const PREVIOUS_SECRET_GRACE_MS = 24 * 60 * 60 * 1000;

export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function newSecurityToken(): string {
  return randomBytes(18).toString('base64url');
}

/** A token set by hand: URL-safe as it is (it lands in query strings unescaped by most trackers). */
export const SECURITY_TOKEN_PATTERN = '^[A-Za-z0-9._~-]{6,200}$';

export function toPublisherView(row: PublisherRow, options: { includeSecret: boolean }) {
  return {
    id: row.id,
    name: row.name,
    securityToken: row.security_token,
    ...(options.includeSecret && {
      signingSecret: row.signing_secret,
      previousSecretExpiresAt: row.previous_secret_expires_at,
    }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function createPublisher(
  ctx: AppContext,
  input: { name: string; securityToken?: string },
): Promise<PublisherRow> {
  const now = ctx.clock.now();
  const row = await insertPublisher(ctx.store.db, {
    name: input.name.trim(),
    security_token: input.securityToken ?? newSecurityToken(),
    signing_secret: newSigningSecret(),
    previous_signing_secret: null,
    previous_secret_expires_at: null,
    created_at: now,
    updated_at: now,
  });
  ctx.events.emit('catalog.changed');
  return row;
}

export async function updatePublisher(
  ctx: AppContext,
  id: number,
  patch: { name?: string; securityToken?: string },
): Promise<PublisherRow> {
  const row = await updatePublisherRow(ctx.store.db, id, {
    ...(patch.name !== undefined && { name: patch.name.trim() }),
    ...(patch.securityToken !== undefined && { security_token: patch.securityToken }),
    updated_at: ctx.clock.now(),
  });
  if (!row) throw notFound('publisher');
  ctx.events.emit('catalog.changed');
  return row;
}

export async function rotateSigningSecret(ctx: AppContext, id: number): Promise<PublisherRow> {
  const now = ctx.clock.now();
  const row = await ctx.store.db.transaction().execute(async (trx) => {
    const current = await findPublisherById(trx, id);
    if (!current) throw notFound('publisher');
    return updatePublisherRow(trx, id, {
      signing_secret: newSigningSecret(),
      previous_signing_secret: current.signing_secret,
      previous_secret_expires_at: now + PREVIOUS_SECRET_GRACE_MS,
      updated_at: now,
    });
  });
  if (!row) throw notFound('publisher');
  ctx.events.emit('catalog.changed');
  return row;
}

export async function rotateSecurityToken(ctx: AppContext, id: number): Promise<PublisherRow> {
  return updatePublisher(ctx, id, { securityToken: newSecurityToken() });
}

export async function deletePublisher(ctx: AppContext, id: number): Promise<void> {
  await ctx.store.db.transaction().execute(async (trx) => {
    if (!(await findPublisherById(trx, id))) throw notFound('publisher');
    if (await publisherHasDependents(trx, id)) {
      throw new AppError('conflict', 'the publisher still has links or postbacks; delete them first');
    }
    await revokeKeysBoundTo(trx, { publisherId: id }, ctx.clock.now());
    await deletePublisherRow(trx, id);
  });
  ctx.events.emit('catalog.changed');
  ctx.events.emit(API_KEYS_CHANGED);
}
