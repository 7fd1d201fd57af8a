// The outbox write: inside the conversion event's transaction, one delivery row per matching postback.
import type { ConversionEventRow, ConversionRow } from '../conversions/conversion.table.ts';
import type { Db } from '../db/database.types.ts';
import { DELIVERIES_CHANNEL, notifyChannel } from '../db/notify.ts';
import type { NewDeliveryRow } from '../deliveries/delivery.table.ts';
import { newId } from '../shared/ids.ts';
import { findPostbacksForOffer } from './postback.repository.ts';
import { selectFiringPostbacks } from './postback-matching.ts';

/**
 * Call inside the same transaction that wrote `event`. Returns how many deliveries were queued;
 * after the transaction commits, the caller wakes the worker (ctx.notifyDeliveriesQueued()) when > 0.
 * Precedence between global, offer and goal postbacks is documented in postback-matching.ts.
 */
export async function enqueueDeliveriesForEvent(
  trx: Db,
  conversion: ConversionRow,
  event: ConversionEventRow,
  now: number,
): Promise<number> {
  const candidates = await findPostbacksForOffer(trx, conversion.publisher_id, conversion.offer_id);
  if (candidates.length === 0) return 0;
  const firing = selectFiringPostbacks(candidates, conversion, event.to_status);
  if (firing.length === 0) return 0;

  const rows: NewDeliveryRow[] = firing.map((postback) => ({
    id: newId(now, 'dlv_'),
    conversion_event_id: event.id,
    postback_id: postback.id,
    conversion_id: conversion.id,
    publisher_id: conversion.publisher_id,
    // A disabled endpoint still owes this postback: hold it until someone re-enables and releases.
    status: postback.state === 'disabled' ? 'held' : 'pending',
    attempts: 0,
    next_run_at: now,
    claim_id: null,
    lease_until: null,
    last_status_code: null,
    last_error: null,
    created_at: now,
    updated_at: now,
    completed_at: null,
  }));
  // The unique (event, postback) pair makes a repeated enqueue (a retried transaction) a no-op.
  const inserted = await trx
    .insertInto('deliveries')
    .values(rows)
    .onConflict((oc) => oc.columns(['conversion_event_id', 'postback_id']).doNothing())
    .returning(['id', 'status'])
    .execute();
  if (inserted.some((row) => row.status === 'pending')) await notifyChannel(trx, DELIVERIES_CHANNEL);
  return inserted.length;
}
