// Postback rules: defaults, save-time validation, ownership, and the operator's enable/disable
// switch (which holds deliveries rather than dropping them).
import type { PostbackAudience } from '../auth/field-visibility.ts';
import type { Principal } from '../auth/principal.ts';
import type { Db } from '../db/database.types.ts';
import { wakeOtherWorkersAtCommit } from '../db/notify.ts';
import { releaseHeldDeliveries, setEndpointEnabled } from '../deliveries/endpoint-health.ts';
import type { AppContext } from '../server/app-context.ts';
import { AppError, notFound } from '../shared/errors.ts';
import {
  cancelWaitingDeliveries,
  deletePostbackRow,
  findLinkOfPostback,
  findPostbackById,
  insertPostback,
  updatePostbackRow,
} from './postback.repository.ts';
import { type CreatePostbackBody, MAX_TIMEOUT_MS, type UpdatePostbackBody } from './postback.schemas.ts';
import type { PostbackRow } from './postback.table.ts';
import { ALL_STATUSES, draftOf } from './postback.view.ts';
import { platformColumns, statusesOfEventMap } from './postback-destination.ts';
import { LEDGER_EVENTS, postbackStatuses } from './postback-matching.ts';
import { type PostbackDraft, validatePostbackDraft } from './postback-validation.ts';

export {
  findLedgerPostbackCandidates,
  findOutboxCandidates,
  findOutboxCandidatesForMany,
  findPostbacksForOffer,
  type OutboxCandidate,
} from './postback.repository.ts';

export interface SavedPostback {
  row: PostbackRow;
  warnings: string[];
}

function policyOf(ctx: AppContext) {
  return { allowPrivateTargets: ctx.config.allowPrivateTargets, allowedTargets: ctx.config.allowedTargets };
}

/** The publisher a caller may act for: its own for publisher keys, any for admins, none otherwise. */
function ownerFor(principal: Principal, requested: number | undefined): number {
  if (principal.role === 'admin') {
    if (requested === undefined) throw new AppError('validation_failed', 'publisherId: required');
    return requested;
  }
  if (principal.role === 'publisher' && principal.publisherId !== null) {
    if (requested !== undefined && requested !== principal.publisherId) {
      throw new AppError('forbidden', 'a publisher key manages only its own postbacks');
    }
    return principal.publisherId;
  }
  throw new AppError('forbidden', 'advertiser keys cannot manage postbacks');
}

/**
 * The postback if this caller may see it; otherwise not_found (other publishers' ids are not
 * revealed, nor the network's own trackers, whose attempts carry its revenue).
 */
export async function loadOwnPostback(
  ctx: AppContext,
  principal: Principal,
  id: number,
): Promise<PostbackRow> {
  if (principal.role !== 'admin' && principal.role !== 'publisher') {
    throw new AppError('forbidden', 'advertiser keys cannot manage postbacks');
  }
  const row = await findPostbackById(ctx.store.db, id);
  if (
    !row ||
    (principal.role === 'publisher' &&
      (row.publisher_id !== principal.publisherId || row.audience === 'network'))
  ) {
    throw notFound('postback');
  }
  return row;
}

/** Only an admin points a postback at the network's own tracker, or changes one that is. */
function checkAudience(principal: Principal, audience: PostbackAudience, current?: PostbackAudience): void {
  if (principal.role === 'admin') return;
  if (audience === 'network' || current === 'network') {
    throw new AppError('forbidden', "only an admin manages a postback to the network's own tracker");
  }
}

/** A link postback fires for its link's offer: the offer comes from the link when not given. */
async function takeOfferOfLink(db: Db, draft: PostbackDraft): Promise<void> {
  if (draft.scope !== 'link' || draft.linkId === null || draft.offerId !== null) return;
  draft.offerId = (await findLinkOfPostback(db, draft.linkId))?.offer_id ?? null;
}

/** The columns a validated draft decides, as create and update both write them. */
function draftColumns(draft: PostbackDraft) {
  return {
    audience: draft.audience,
    scope: draft.scope,
    offer_id: draft.offerId,
    link_id: draft.linkId,
    goal: draft.goal,
    url: draft.url,
    method: draft.method,
    body_format: draft.bodyFormat ?? ('none' as const),
    body_template: draft.bodyTemplate,
    headers: JSON.stringify(draft.headers),
    secret_params: JSON.stringify(draft.secretParams),
    secret_path_segments: JSON.stringify(draft.secretPathSegments),
    fire_with_specific: draft.fireWithSpecific ? 1 : 0,
  };
}

/** An attempt that outlasts half the claim lease could see the lease lapse and a second sender start. */
function checkTimeoutFitsLease(ctx: AppContext, timeoutMs: number | undefined): void {
  if (timeoutMs === undefined || 2 * timeoutMs <= ctx.config.leaseMs) return;
  const most = Math.floor(ctx.config.leaseMs / 2);
  throw new AppError('validation_failed', `timeoutMs: at most ${most} ms, half of TRACKWIRE_LEASE`);
}

/** Ledger entries written by hand belong to the rewards site as a whole: a global URL postback. */
function checkLedgerEvents(statuses: readonly string[], kind: string, scope: string): void {
  if (!statuses.some((s) => (LEDGER_EVENTS as readonly string[]).includes(s))) return;
  if (kind === 'url' && scope === 'global') return;
  throw new AppError(
    'validation_failed',
    'statuses: adjustment and redemption fire only a global URL postback',
  );
}

export async function createPostback(
  ctx: AppContext,
  principal: Principal,
  input: CreatePostbackBody,
): Promise<SavedPostback> {
  checkTimeoutFitsLease(ctx, input.timeoutMs);
  const audience = input.audience ?? 'publisher';
  checkAudience(principal, audience);
  const platform = platformColumns(input, undefined, audience, ctx.config.secretKey);
  if (platform.kind === 'url' && input.url === undefined)
    throw new AppError('validation_failed', 'url: required');
  const draft: PostbackDraft = {
    publisherId: ownerFor(principal, input.publisherId),
    audience,
    scope: input.scope ?? 'global',
    offerId: input.offerId ?? null,
    goal: input.goal ?? null,
    linkId: input.linkId ?? null,
    url: input.url?.trim() ?? '',
    method: input.method ?? 'GET',
    bodyFormat: input.bodyFormat ?? null,
    bodyTemplate: input.bodyTemplate ?? null,
    headers: input.headers ?? {},
    secretParams: input.secretParams ?? [],
    secretPathSegments: input.secretPathSegments ?? [],
    fireWithSpecific: input.fireWithSpecific ?? false,
  };
  checkLedgerEvents(input.statuses ?? [], platform.kind, draft.scope);
  await takeOfferOfLink(ctx.store.db, draft);
  const warnings = await validatePostbackDraft(ctx.store.db, draft, policyOf(ctx), platform.kind);
  const now = ctx.clock.now();
  const row = await insertPostback(ctx.store.db, {
    publisher_id: draft.publisherId,
    ...draftColumns(draft),
    ...platform,
    statuses: JSON.stringify(input.statuses ?? statusesOfEventMap(platform) ?? ALL_STATUSES),
    enabled: input.enabled === false ? 0 : 1,
    timeout_ms: input.timeoutMs ?? Math.min(ctx.config.attemptTimeoutMs, MAX_TIMEOUT_MS),
    retry_4xx: input.retry4xx === false ? 0 : 1,
    state: 'active',
    disabled_reason: null,
    disabled_at: null,
    failure_streak: 0,
    last_success_at: null,
    last_failure_at: null,
    created_at: now,
    updated_at: now,
  });
  ctx.events.emit('catalog.changed');
  return { row, warnings };
}

export async function updatePostback(
  ctx: AppContext,
  principal: Principal,
  id: number,
  patch: UpdatePostbackBody,
): Promise<SavedPostback> {
  checkTimeoutFitsLease(ctx, patch.timeoutMs);
  const current = await loadOwnPostback(ctx, principal, id);
  checkAudience(principal, patch.audience ?? current.audience, current.audience);
  const touchesPlatform = ['kind', 'destination', 'eventMap', 'value', 'audience'].some(
    (k) => patch[k as keyof UpdatePostbackBody] !== undefined,
  );
  const platform = touchesPlatform
    ? platformColumns(
        { ...patch, url: patch.kind === 'url' ? undefined : patch.url },
        current,
        patch.audience ?? current.audience,
        ctx.config.secretKey,
      )
    : undefined;
  const kind = platform?.kind ?? current.kind;
  if (kind !== 'url' && patch.url !== undefined)
    throw new AppError(
      'validation_failed',
      `url: a ${kind} postback has no URL; its address is the platform's`,
    );
  if (kind === 'url' && current.kind !== 'url' && patch.url === undefined)
    throw new AppError('validation_failed', 'url: required when the kind becomes url');
  const before = draftOf(current);
  // Switching to GET drops the body unless the patch says otherwise, so a method change is one call.
  const toGet = patch.method === 'GET' && current.method === 'POST';
  const draft: PostbackDraft = {
    ...before,
    ...(patch.audience !== undefined && { audience: patch.audience }),
    ...(patch.scope !== undefined && { scope: patch.scope }),
    ...(patch.offerId !== undefined && { offerId: patch.offerId }),
    ...(patch.goal !== undefined && { goal: patch.goal }),
    ...(patch.linkId !== undefined && { linkId: patch.linkId }),
    ...(patch.url !== undefined && { url: patch.url.trim() }),
    ...(patch.method !== undefined && { method: patch.method }),
    ...(toGet && { bodyFormat: null, bodyTemplate: null }),
    ...(patch.bodyFormat !== undefined && { bodyFormat: patch.bodyFormat }),
    ...(patch.bodyTemplate !== undefined && { bodyTemplate: patch.bodyTemplate }),
    ...(patch.headers !== undefined && { headers: patch.headers }),
    ...(patch.secretParams !== undefined && { secretParams: patch.secretParams }),
    ...(patch.secretPathSegments !== undefined && { secretPathSegments: patch.secretPathSegments }),
    ...(patch.fireWithSpecific !== undefined && { fireWithSpecific: patch.fireWithSpecific }),
  };
  if (patch.scope === 'global')
    Object.assign(draft, { offerId: patch.offerId ?? null, goal: patch.goal ?? null });
  if (patch.scope === 'offer') draft.goal = patch.goal ?? null;
  // A scope other than link drops the link; a new link brings its own offer.
  if (patch.scope !== undefined && patch.scope !== 'link') draft.linkId = patch.linkId ?? null;
  if (patch.linkId !== undefined && patch.offerId === undefined) draft.offerId = null;
  if (kind !== 'url') draft.url = '';
  checkLedgerEvents(patch.statuses ?? [...postbackStatuses(current)], kind, draft.scope);
  await takeOfferOfLink(ctx.store.db, draft);
  const warnings = await validatePostbackDraft(ctx.store.db, draft, policyOf(ctx), kind);
  const now = ctx.clock.now();
  const row = await ctx.store.db.transaction().execute(async (trx) => {
    // Switching it on means sending again: a disabled endpoint comes back (held deliveries stay held).
    if (patch.enabled === true && current.state === 'disabled') await setEndpointEnabled(trx, id, true, now);
    return updatePostbackRow(trx, id, {
      ...draftColumns(draft),
      ...platform,
      ...(patch.statuses !== undefined && { statuses: JSON.stringify(patch.statuses) }),
      ...(patch.enabled !== undefined && { enabled: patch.enabled ? 1 : 0 }),
      ...(patch.timeoutMs !== undefined && { timeout_ms: patch.timeoutMs }),
      ...(patch.retry4xx !== undefined && { retry_4xx: patch.retry4xx ? 1 : 0 }),
      updated_at: now,
    });
  });
  if (!row) throw notFound('postback');
  ctx.events.emit('catalog.changed');
  return { row, warnings };
}

export async function deletePostback(ctx: AppContext, principal: Principal, id: number): Promise<void> {
  const current = await loadOwnPostback(ctx, principal, id);
  checkAudience(principal, current.audience);
  const now = ctx.clock.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    await cancelWaitingDeliveries(trx, id, now);
    await deletePostbackRow(trx, id);
  });
  ctx.events.emit('catalog.changed');
}

/**
 * "Enable": the postback fires again and its endpoint is active (streak cleared). Deliveries held
 * while it was disabled stay held unless `releaseHeld`, because the operator may not want a backlog.
 */
export async function enablePostback(
  ctx: AppContext,
  principal: Principal,
  id: number,
  releaseHeld: boolean,
): Promise<{ row: PostbackRow; released: number }> {
  await loadOwnPostback(ctx, principal, id);
  const now = ctx.clock.now();
  const released = await ctx.store.db.transaction().execute(async (trx) => {
    await updatePostbackRow(trx, id, { enabled: 1, updated_at: now });
    await setEndpointEnabled(trx, id, true, now);
    if (!releaseHeld) return 0;
    const count = await releaseHeldDeliveries(trx, id, now);
    if (count > 0) await wakeOtherWorkersAtCommit(trx);
    return count;
  });
  if (released > 0) ctx.notifyDeliveriesQueued();
  ctx.events.emit('catalog.changed');
  return { row: await loadOwnPostback(ctx, principal, id), released };
}

/** "Disable": the endpoint is paused; its pending and future deliveries are held, never dropped. */
export async function disablePostback(
  ctx: AppContext,
  principal: Principal,
  id: number,
): Promise<PostbackRow> {
  await loadOwnPostback(ctx, principal, id);
  await ctx.store.db.transaction().execute((trx) => setEndpointEnabled(trx, id, false, ctx.clock.now()));
  ctx.events.emit('catalog.changed');
  return loadOwnPostback(ctx, principal, id);
}
