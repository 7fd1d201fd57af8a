// Operator actions on deliveries: resend one now (a manual attempt that spends no automatic budget
// and, on success, cancels the pending automatic retry) and requeue an endpoint's failed ones.
import { randomUUID } from 'node:crypto';
import { wakeOtherWorkersAtCommit } from '../../db/notify.ts';
import type { AppContext } from '../../server/app-context.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import { claimDeliveryById, requeueFailedDeliveries } from '../delivery.repository.ts';
import type { DeliveryAttemptRow, DeliveryRow, DeliveryStatus } from '../delivery.table.ts';
import {
  findDeliveryById,
  findPostbackAudience,
  listAttemptsOfDelivery,
} from '../delivery-query.repository.ts';
import { DEFAULT_HEALTH_POLICY } from '../endpoint-health.ts';
import { loadDeliveryContexts } from '../prepare/delivery-request.ts';
import { type AttemptDeps, runDeliveryAttempt } from './delivery-attempt.ts';
import { writeOutcomes } from './delivery-outcomes.ts';
import { batchMaxOf, type PlatformDeps, runPlatformBatch } from './platform-attempt.ts';

/** Statuses a manual resend may start from; it returns there unless it succeeds. */
const RESENDABLE: readonly DeliveryStatus[] = ['pending', 'failed', 'succeeded'];

export const MAX_BULK_RESEND = 10_000;

/** The caller's fixed publisher (publisher keys) or undefined (admin). */
export interface Scope {
  publisherId?: number;
}

async function findVisibleDelivery(ctx: AppContext, id: string, scope: Scope): Promise<DeliveryRow> {
  const row = await findDeliveryById(ctx.store.db, id);
  if (!row || (scope.publisherId !== undefined && row.publisher_id !== scope.publisherId)) {
    throw notFound('delivery');
  }
  // The network's own tracker's attempts carry its revenue: not the publisher's to read.
  if (
    scope.publisherId !== undefined &&
    (await findPostbackAudience(ctx.store.db, row.postback_id)) === 'network'
  ) {
    throw notFound('delivery');
  }
  return row;
}

async function requireActiveEndpoint(ctx: AppContext, postbackId: number, scope: Scope) {
  const postback = await ctx.store.db
    .selectFrom('postbacks')
    .select(['id', 'publisher_id', 'state', 'audience'])
    .where('id', '=', postbackId)
    .executeTakeFirst();
  const foreign =
    scope.publisherId !== undefined &&
    (postback?.publisher_id !== scope.publisherId || postback?.audience === 'network');
  if (!postback || foreign) {
    throw notFound('postback');
  }
  if (postback.state === 'disabled') {
    throw new AppError('conflict', 'the endpoint is disabled: enable it, then release its held deliveries');
  }
}

export async function getDeliveryWithAttempts(
  ctx: AppContext,
  id: string,
  scope: Scope,
): Promise<{ delivery: DeliveryRow; attempts: DeliveryAttemptRow[] }> {
  const delivery = await findVisibleDelivery(ctx, id, scope);
  return { delivery, attempts: await listAttemptsOfDelivery(ctx.store.db, id) };
}

/** Sends one delivery now, on behalf of an operator. Refused while disabled, held or in flight. */
export async function resendDelivery(
  ctx: AppContext,
  deps: AttemptDeps & { platform: PlatformDeps },
  id: string,
  scope: Scope,
): Promise<{ delivery: DeliveryRow; attempts: DeliveryAttemptRow[] }> {
  const db = ctx.store.db;
  const row = await findVisibleDelivery(ctx, id, scope);
  await requireActiveEndpoint(ctx, row.postback_id, scope);
  if (!RESENDABLE.includes(row.status)) {
    throw new AppError('conflict', `a ${row.status} delivery cannot be resent now`);
  }
  const now = ctx.clock.now();
  const claimId = randomUUID();
  // The claim is what keeps a manual resend and a worker from sending the same delivery at once.
  const claimed = await claimDeliveryById(db, id, {
    now,
    claimId,
    leaseMs: ctx.config.leaseMs,
    from: [row.status],
  });
  if (!claimed)
    throw new AppError('conflict', 'the delivery changed meanwhile (an attempt may be in progress)');
  const previous = await listAttemptsOfDelivery(db, id);
  const contexts = await loadDeliveryContexts(db, [id]);
  const context = contexts.get(id);
  const mode = { trigger: 'manual' as const, attemptNo: previous.length + 1, restoreStatus: row.status };
  const outcomes =
    batchMaxOf(context) > 1
      ? await runPlatformBatch(deps, deps.platform, [{ delivery: claimed, claimId, context }], mode)
      : [await runDeliveryAttempt(deps, { delivery: claimed, claimId }, context, mode)];
  await writeOutcomes(db, outcomes, ctx.clock.now(), DEFAULT_HEALTH_POLICY, ctx.log);
  return getDeliveryWithAttempts(ctx, id, scope);
}

/** Failed deliveries of one endpoint since `since` go back through the normal claim path. */
export async function resendFailedDeliveries(
  ctx: AppContext,
  input: { postbackId: number; since: number; limit: number },
  scope: Scope,
): Promise<number> {
  await requireActiveEndpoint(ctx, input.postbackId, scope);
  const now = ctx.clock.now();
  const count = await ctx.store.db.transaction().execute(async (trx) => {
    const n = await requeueFailedDeliveries(trx, { ...input, now });
    if (n > 0) await wakeOtherWorkersAtCommit(trx);
    return n;
  });
  if (count > 0) ctx.notifyDeliveriesQueued();
  return count;
}
