// Records an inbound postback: checks it, then in ONE transaction writes the conversion (or its
// status change), its history event, the postback log row and the outbox rows. A rejected or
// duplicate hit writes only its postback log row. Concurrent hits share one transaction
// (deps.recorder, a group commit), and each is answered only after that commit.

import type { Db } from '../../db/database.types.ts';
import { enqueueDeliveriesForEvent } from '../../deliveries/outbox/enqueue-deliveries.ts';
import type { AppContext } from '../../server/app-context.ts';
import {
  findConversionByDedupeKey,
  insertConversionEvent,
  insertConversionUnlessDuplicate,
  insertPostbackLog,
} from '../conversion.repository.ts';
import type { ConversionRow } from '../conversion.table.ts';
import {
  applyStatusChange,
  ConcurrentChangeError,
  inTransactionWithRetry,
} from '../lifecycle/apply-status-change.ts';
import { canTransition } from '../lifecycle/status-transitions.ts';
import {
  type CheckResult,
  checkInboundPostback,
  type InboundDeps,
  type PreparedConversion,
} from './inbound-check.ts';
import type { InboundResult } from './inbound-codes.ts';
import { writeNewConversionsTogether } from './inbound-new-conversions.ts';
import type { InboundRequest } from './inbound-request.ts';
import {
  createdEventRow,
  createdResult,
  type InboundWork,
  newConversionRow,
  postbackLogRow,
} from './inbound-rows.ts';

export type { InboundDeps } from './inbound-check.ts';

export async function ingestPostback(
  ctx: AppContext,
  deps: InboundDeps,
  request: InboundRequest,
): Promise<InboundResult> {
  const now = ctx.clock.now();
  const check: CheckResult = await checkInboundPostback(ctx, deps, request, now);
  const work: InboundWork = check.ok
    ? { request, now, prepared: check.prepared }
    : { request, now, rejected: check.code, advertiserId: check.advertiserId };
  const result = deps.recorder
    ? await deps.recorder.submit(work)
    : (await recordInboundBatch(ctx, [work]))[0];
  if (check.ok || check.retryAfterSeconds === undefined) return result;
  return { ...result, retryAfterSeconds: check.retryAfterSeconds };
}

/**
 * Writes a batch of hits in ONE transaction, in order, so a later hit sees what an earlier one
 * wrote (the same txn twice in a batch is one conversion and one duplicate). Nothing is answered
 * before the commit; a lost race starts the whole batch over on fresh data. Where statements are
 * round trips, the batch's new conversions are written together first (inbound-new-conversions.ts).
 */
export async function recordInboundBatch(ctx: AppContext, batch: InboundWork[]): Promise<InboundResult[]> {
  const { results, queued } = await inTransactionWithRetry(ctx.store.db, async (trx) => {
    const results: (InboundResult | undefined)[] = new Array(batch.length);
    const together = ctx.store.capabilities.roundTripPerStatement
      ? await writeNewConversionsTogether(ctx, trx, batch, results)
      : undefined;
    let queued = together?.queued ?? 0;
    for (const [i, work] of batch.entries()) {
      if (results[i]) continue;
      if ('prepared' in work) {
        const taken = together?.taken.get(i);
        const done = await recordPrepared(ctx, trx, work.request, work.prepared, work.now, taken);
        results[i] = done.result;
        queued += done.queued;
      } else {
        const outcome: InboundResult = { code: work.rejected };
        await insertPostbackLog(trx, postbackLogRow(ctx, work.request, work.now, outcome, work.advertiserId));
        results[i] = outcome;
      }
    }
    return { results: results as InboundResult[], queued };
  });
  if (queued > 0) ctx.notifyDeliveriesQueued();
  return results;
}

async function recordPrepared(
  ctx: AppContext,
  trx: Db,
  request: InboundRequest,
  p: PreparedConversion,
  now: number,
  /** The stored conversion, when this hit's key is already known to be taken. */
  taken?: ConversionRow,
): Promise<{ result: InboundResult; queued: number }> {
  const log = (outcome: InboundResult) =>
    insertPostbackLog(trx, postbackLogRow(ctx, request, now, outcome, p.advertiserId));
  const conversion = taken ? undefined : await insertConversionUnlessDuplicate(trx, newConversionRow(p, now));
  if (conversion) {
    const result = createdResult(conversion);
    const event = await insertConversionEvent(trx, createdEventRow(conversion, await log(result)));
    const queued = await enqueueDeliveriesForEvent(trx, conversion, event, now);
    return { result, queued };
  }

  const existing = taken ?? (await findConversionByDedupeKey(trx, p.dedupeKey));
  // The insert found the key taken, so the row is there unless it was deleted since: start over.
  if (!existing) throw new ConcurrentChangeError(`conversion ${p.dedupeKey} vanished`);
  const base = { conversionId: existing.id, status: existing.status };
  if (p.status === undefined || p.status === existing.status) {
    const result: InboundResult = { code: 'duplicate', ...base };
    await log(result);
    return { result, queued: 0 };
  }
  // Legality is settled before the log row is written so the row carries the final answer.
  if (!canTransition(existing.status, p.status)) {
    const result: InboundResult = { code: 'illegal_transition', ...base };
    await log(result);
    return { result, queued: 0 };
  }
  const result: InboundResult = { code: 'status_changed', conversionId: existing.id, status: p.status };
  const logId = await log(result);
  const change = await applyStatusChange(
    trx,
    existing,
    {
      to: p.status,
      statusRaw: p.statusRaw,
      source: 'postback',
      reason: null,
      postbackLogId: logId,
      amounts:
        p.amount === undefined ? undefined : { payout: p.payout, revenue: p.revenue, review: p.review },
    },
    now,
  );
  if (!change.ok) throw new Error('transition checked above became illegal');
  return { result, queued: change.queued };
}
