// Writes checked hits: in ONE transaction per batch, each hit's conversion (or its status change),
// its history event, its postback log row and its outbox rows; a rejected or duplicate hit writes
// only its log row. The steps are here; how a batch is grouped into statements is the store's
// (store.inboundWriter), which calls them in batch order.

import { releaseCapSlots, takeCapSlots } from '../../caps/cap.service.ts';
import type { Db } from '../../db/database.types.ts';
import type { InboundBatchSteps } from '../../db/inbound-writer.ts';
import { enqueueDeliveriesForEvent } from '../../deliveries/outbox/enqueue-deliveries.ts';
import { applyRewardsForEvent } from '../../rewards/reward-crediting.service.ts';
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
import type { PreparedConversion } from './inbound-check.ts';
import { type InboundResult, RULE_REVIEW_PREFIX } from './inbound-codes.ts';
import { writeNewConversionsTogether } from './inbound-new-conversions.ts';
import type { InboundRequest } from './inbound-request.ts';
import {
  createdEventRow,
  createdResult,
  type InboundWork,
  newConversionRow,
  postbackLogRow,
} from './inbound-rows.ts';

/** Deliveries queued by a transaction's writes, so one wake-up follows its commit. */
interface Tally {
  queued: number;
}

/**
 * Writes a batch of hits in ONE transaction, in order, so a later hit sees what an earlier one
 * wrote (the same txn twice in a batch is one conversion and one duplicate). Nothing is answered
 * before the commit; a lost race starts the whole batch over on fresh data.
 */
export async function recordInboundBatch(ctx: AppContext, batch: InboundWork[]): Promise<InboundResult[]> {
  const { results, queued } = await inTransactionWithRetry(ctx.store.db, async (trx) => {
    const tally: Tally = { queued: 0 };
    const results = await ctx.store.inboundWriter.writeBatch(batch, stepsIn(ctx, trx, tally));
    return { results, queued: tally.queued };
  });
  if (queued > 0) ctx.notifyDeliveriesQueued();
  return results;
}

function stepsIn(
  ctx: AppContext,
  trx: Db,
  tally: Tally,
): InboundBatchSteps<InboundWork, InboundResult, ConversionRow> {
  return {
    async writeNewTogether(batch, results) {
      const together = await writeNewConversionsTogether(ctx, trx, batch, results);
      tally.queued += together.queued;
      return together.taken;
    },
    writeOne: (work, taken) =>
      'prepared' in work
        ? recordPrepared(ctx, trx, work.request, work.prepared, work.now, tally, taken)
        : recordRejected(ctx, trx, work),
  };
}

async function recordRejected(
  ctx: AppContext,
  trx: Db,
  work: Extract<InboundWork, { rejected: unknown }>,
): Promise<InboundResult> {
  const outcome: InboundResult = { code: work.rejected };
  await insertPostbackLog(trx, postbackLogRow(ctx, work.request, work.now, outcome, work.advertiserId));
  return outcome;
}

/** Inserts the conversion unless its key is taken; a capped one takes its cap slot, or is held or rejected. */
async function insertNew(ctx: AppContext, trx: Db, p: PreparedConversion, now: number) {
  if (!p.capped) return insertConversionUnlessDuplicate(trx, newConversionRow(p, now));
  const caps = await takeCapSlots(ctx, trx, {
    offerId: p.click.offerId,
    publisherId: p.click.publisherId,
    payout: p.payout,
    now,
  });
  const decided: PreparedConversion = caps.ok
    ? p
    : {
        ...p,
        status: caps.action === 'hold' ? 'pending' : 'rejected',
        review: `${RULE_REVIEW_PREFIX}cap_reached`,
      };
  const inserted = await insertConversionUnlessDuplicate(trx, newConversionRow(decided, now));
  // A duplicate takes no slot.
  if (!inserted && caps.ok) await releaseCapSlots(trx, caps.taken);
  return inserted;
}

async function recordPrepared(
  ctx: AppContext,
  trx: Db,
  request: InboundRequest,
  p: PreparedConversion,
  now: number,
  tally: Tally,
  /** The stored conversion, when this hit's key is already known to be taken. */
  taken?: ConversionRow,
): Promise<InboundResult> {
  const log = (outcome: InboundResult) =>
    insertPostbackLog(trx, postbackLogRow(ctx, request, now, outcome, p.advertiserId));
  const conversion = taken ? undefined : await insertNew(ctx, trx, p, now);
  if (conversion) {
    const result = createdResult(conversion);
    const event = await insertConversionEvent(trx, createdEventRow(conversion, await log(result)));
    const queued = await enqueueDeliveriesForEvent(trx, conversion, event, now);
    await applyRewardsForEvent(ctx, trx, conversion, event.id, now, p.click);
    tally.queued += queued;
    return result;
  }

  const existing = taken ?? (await findConversionByDedupeKey(trx, p.dedupeKey));
  // The insert found the key taken, so the row is there unless it was deleted since: start over.
  if (!existing) throw new ConcurrentChangeError(`conversion ${p.dedupeKey} vanished`);
  const base = { conversionId: existing.id, status: existing.status };
  if (p.status === undefined || p.status === existing.status) {
    const result: InboundResult = { code: 'duplicate', ...base };
    await log(result);
    return result;
  }
  // Legality is settled before the log row is written so the row carries the final answer.
  if (!canTransition(existing.status, p.status)) {
    const result: InboundResult = { code: 'illegal_transition', ...base };
    await log(result);
    return result;
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
  await applyRewardsForEvent(ctx, trx, change.conversion, change.event.id, now);
  tally.queued += change.queued;
  return result;
}
