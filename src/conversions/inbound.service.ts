// Records an inbound postback: checks it, then in ONE transaction writes the conversion (or its
// status change), its history event, the postback log row and the outbox rows. A rejected or
// duplicate hit writes only its postback log row. Concurrent hits share one transaction
// (deps.recorder, a group commit), and each is answered only after that commit.

import type { Db } from '../db/database.types.ts';
import type { AppContext } from '../http/context.ts';
import { enqueueDeliveriesForEvent } from '../postbacks/enqueue-deliveries.ts';
import { newId } from '../shared/ids.ts';
import { applyStatusChange, ConcurrentChangeError, inTransactionWithRetry } from './apply-status-change.ts';
import {
  findConversionByDedupeKey,
  insertConversionEvent,
  insertConversionUnlessDuplicate,
  insertPostbackLog,
} from './conversion.repository.ts';
import { CONVERSION_ID_PREFIX, type NewPostbackLogRow } from './conversion.table.ts';
import {
  type CheckResult,
  checkInboundPostback,
  type InboundDeps,
  type PreparedConversion,
} from './inbound-check.ts';
import { INBOUND_CODES, type InboundCode, type InboundResult } from './inbound-codes.ts';
import type { InboundRequest } from './inbound-request.ts';
import { canTransition } from './status-transitions.ts';

export type { InboundDeps } from './inbound-check.ts';

/** The postback log row for a hit with the given result. */
export function postbackLogRow(
  ctx: AppContext,
  request: InboundRequest,
  now: number,
  outcome: InboundResult,
  advertiserId: number | null,
): NewPostbackLogRow {
  const { result, http } = INBOUND_CODES[outcome.code];
  return {
    received_at: now,
    method: request.method,
    url: request.logUrl,
    ip: request.source.ip,
    scheme: request.source.scheme,
    headers: request.logHeaders,
    body: request.logBody,
    advertiser_id: advertiserId,
    result,
    code: outcome.code,
    http_status: http,
    conversion_id: outcome.conversionId ?? null,
    insecure: ctx.config.httpsOnly && request.source.scheme !== 'https' ? 1 : 0,
  };
}

/** One checked hit, ready to be written: a conversion to record, or only its log row. */
export type InboundWork =
  | { request: InboundRequest; now: number; prepared: PreparedConversion }
  | { request: InboundRequest; now: number; rejected: InboundCode; advertiserId: number | null };

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
  if (deps.recorder) return deps.recorder.submit(work);
  const [result] = await recordInboundBatch(ctx, [work]);
  return result;
}

/**
 * Writes a batch of hits in ONE transaction, in order, so a later hit sees what an earlier one
 * wrote (the same txn twice in a batch is one conversion and one duplicate). Nothing is answered
 * before the commit; a lost race starts the whole batch over on fresh data.
 */
export async function recordInboundBatch(ctx: AppContext, batch: InboundWork[]): Promise<InboundResult[]> {
  const outcomes = await inTransactionWithRetry(ctx.store.db, async (trx) => {
    const done: { result: InboundResult; queued: number }[] = [];
    for (const work of batch) {
      if ('prepared' in work) {
        done.push(await recordPrepared(ctx, trx, work.request, work.prepared, work.now));
      } else {
        const outcome: InboundResult = { code: work.rejected };
        await insertPostbackLog(trx, postbackLogRow(ctx, work.request, work.now, outcome, work.advertiserId));
        done.push({ result: outcome, queued: 0 });
      }
    }
    return done;
  });
  if (outcomes.some((o) => o.queued > 0)) ctx.notifyDeliveriesQueued();
  return outcomes.map((o) => o.result);
}

async function recordPrepared(
  ctx: AppContext,
  trx: Db,
  request: InboundRequest,
  p: PreparedConversion,
  now: number,
): Promise<{ result: InboundResult; queued: number }> {
  const log = (outcome: InboundResult) =>
    insertPostbackLog(trx, postbackLogRow(ctx, request, now, outcome, p.advertiserId));
  // No status on a first postback means approved: Trackier and RevBoost send one postback per
  // confirmed conversion, and networks that hold conversions say so ("pending", "hold").
  const status = p.status ?? 'approved';
  const id = newId(now, CONVERSION_ID_PREFIX);
  const conversion = await insertConversionUnlessDuplicate(trx, {
    id,
    click_id: p.click.id,
    offer_id: p.click.offerId,
    publisher_id: p.click.publisherId,
    advertiser_id: p.advertiserId,
    link_id: p.click.linkId,
    goal: p.goal,
    txn_id: p.txnId,
    dedupe_key: p.dedupeKey,
    status,
    status_raw: p.statusRaw,
    payout: p.payout,
    revenue: p.revenue,
    sale_amount: p.saleAmount,
    currency: p.currency,
    needs_review: p.review ? 1 : 0,
    review_reason: p.review,
    created_at: now,
    updated_at: now,
  });

  if (conversion) {
    const result: InboundResult = { code: 'conversion_created', conversionId: id, status };
    const logId = await log(result);
    const event = await insertConversionEvent(trx, {
      conversion_id: id,
      from_status: null,
      to_status: status,
      status_raw: p.statusRaw,
      payout: p.payout,
      source: 'postback',
      reason: null,
      postback_log_id: logId,
      created_at: now,
    });
    const queued = await enqueueDeliveriesForEvent(trx, conversion, event, now);
    return { result, queued };
  }

  const existing = await findConversionByDedupeKey(trx, p.dedupeKey);
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
