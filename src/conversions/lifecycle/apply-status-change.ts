// The one way a conversion changes status, shared by inbound postbacks and manual changes: the
// guarded update, its history row and its outbox rows, all inside the caller's transaction.
import type { Kysely } from 'kysely';
import type { Database, Db } from '../../db/database.types.ts';
import { inTransactionRetrying } from '../../db/transaction-retry.ts';
import { isDeadlock, isUniqueViolation } from '../../db/unique-violation.ts';
import { enqueueDeliveriesForEvent } from '../../deliveries/outbox/enqueue-deliveries.ts';
import { insertConversionEvent, updateConversionIfStatus } from '../conversion.repository.ts';
import type { ConversionEventRow, ConversionRow, Status } from '../conversion.table.ts';
import { canTransition } from './status-transitions.ts';

/** Another writer moved the conversion between our read and our update: start over. */
export class ConcurrentChangeError extends Error {}

export interface StatusChange {
  to: Status;
  statusRaw: string | null;
  source: 'postback' | 'manual';
  reason: string | null;
  postbackLogId: number | null;
  /** Manual changes: who asked, and whether they override the lifecycle. */
  actor?: string;
  override?: boolean;
  /** New amounts sent with the change (a later postback may correct the payout). */
  amounts?: { payout: number; revenue: number; review: string | null };
}

export type StatusChangeOutcome =
  | { ok: true; conversion: ConversionRow; event: ConversionEventRow; queued: number }
  | { ok: false; code: 'illegal_transition' };

export async function applyStatusChange(
  trx: Db,
  conversion: ConversionRow,
  change: StatusChange,
  now: number,
): Promise<StatusChangeOutcome> {
  const legal = canTransition(conversion.status, change.to);
  if (!legal && !change.override) return { ok: false, code: 'illegal_transition' };
  const amounts = change.amounts;
  const updated = await updateConversionIfStatus(trx, conversion.id, conversion.status, {
    status: change.to,
    status_raw: change.statusRaw,
    updated_at: now,
    ...(amounts && {
      payout: amounts.payout,
      revenue: amounts.revenue,
      needs_review: amounts.review || conversion.needs_review ? 1 : 0,
      review_reason: amounts.review ?? conversion.review_reason,
    }),
  });
  if (!updated) throw new ConcurrentChangeError(`conversion ${conversion.id} changed concurrently`);
  const event = await insertConversionEvent(trx, {
    conversion_id: updated.id,
    from_status: conversion.status,
    to_status: change.to,
    status_raw: change.statusRaw,
    payout: updated.payout,
    source: legal ? change.source : 'override',
    reason: change.reason,
    postback_log_id: change.postbackLogId,
    actor: change.actor ?? null,
    created_at: now,
  });
  const queued = await enqueueDeliveriesForEvent(trx, updated, event, now);
  return { ok: true, conversion: updated, event, queued };
}

/** Runs `work` in a transaction, starting over when it lost a race (unique key, guarded update, deadlock). */
export function inTransactionWithRetry<T>(db: Kysely<Database>, work: (trx: Db) => Promise<T>): Promise<T> {
  return inTransactionRetrying(
    db,
    work,
    (error) => error instanceof ConcurrentChangeError || isUniqueViolation(error) || isDeadlock(error),
  );
}
