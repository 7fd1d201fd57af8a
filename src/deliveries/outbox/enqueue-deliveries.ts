// The outbox write: inside the conversion event's transaction, one delivery row per matching postback.
import type { ConversionEventRow, ConversionRow } from '../../conversions/conversion.table.ts';
import type { Db } from '../../db/database.types.ts';
import { wakeOtherWorkersAtCommit } from '../../db/notify.ts';
import { preparedQuery } from '../../db/prepared-query.ts';
import {
  findOutboxCandidates,
  findOutboxCandidatesForMany,
  type OutboxCandidate,
} from '../../postbacks/postback.service.ts';
import { selectFiringPostbacks } from '../../postbacks/postback-matching.ts';
import { newId } from '../../shared/ids.ts';
import { DELIVERY_ID_PREFIX, type NewDeliveryRow } from '../delivery.table.ts';

/** A delivery not yet attempted, of one event of `conversion` to one postback. */
export function newDeliveryRow(
  eventId: number,
  postbackId: number,
  conversion: Pick<ConversionRow, 'id' | 'publisher_id'>,
  status: 'pending' | 'held',
  now: number,
): NewDeliveryRow {
  return unsentDelivery(
    { conversion_event_id: eventId, conversion_id: conversion.id, reward_entry_id: null },
    postbackId,
    conversion.publisher_id,
    status,
    now,
  );
}

/** A delivery not yet attempted of whatever `source` names, to one postback. */
export function unsentDelivery(
  source: Pick<NewDeliveryRow, 'conversion_event_id' | 'conversion_id' | 'reward_entry_id'>,
  postbackId: number,
  publisherId: number,
  status: 'pending' | 'held',
  now: number,
): NewDeliveryRow {
  return {
    id: newId(now, DELIVERY_ID_PREFIX),
    conversion_event_id: source.conversion_event_id,
    conversion_id: source.conversion_id,
    reward_entry_id: source.reward_entry_id,
    postback_id: postbackId,
    publisher_id: publisherId,
    status,
    attempts: 0,
    next_run_at: now,
    claim_id: null,
    lease_until: null,
    last_status_code: null,
    last_error: null,
    created_at: now,
    updated_at: now,
    completed_at: null,
  };
}

/**
 * Call inside the same transaction that wrote `event`. Returns how many deliveries were queued;
 * after the transaction commits, the caller wakes the worker (ctx.notifyDeliveriesQueued()) when > 0.
 * Precedence between global, offer and goal postbacks is documented in postback-matching.ts.
 */
const DELIVERY_COLUMNS = [
  'id',
  'conversion_event_id',
  'postback_id',
  'conversion_id',
  'publisher_id',
  'status',
  'attempts',
  'next_run_at',
  'claim_id',
  'lease_until',
  'last_status_code',
  'last_error',
  'created_at',
  'updated_at',
  'completed_at',
] as const satisfies readonly (keyof NewDeliveryRow)[];

// The insert runs once per conversion event, almost always for one or two postbacks: each row
// count up to MAX_PREPARED_ROWS compiles once (building it per call cost more than the write).
const MAX_PREPARED_ROWS = 8;
const preparedInserts = new Map<number, ReturnType<typeof deliveriesInsert>>();

function deliveriesInsert(count: number) {
  const width = DELIVERY_COLUMNS.length;
  return preparedQuery(count * width, (db, ...slots) =>
    db
      .insertInto('deliveries')
      .values(
        Array.from(
          { length: count },
          (_, r) =>
            Object.fromEntries(DELIVERY_COLUMNS.map((c, i) => [c, slots[r * width + i]])) as NewDeliveryRow,
        ),
      )
      // The unique (event, postback) pair makes a repeated enqueue (a retried transaction) a no-op.
      .onConflict((oc) => oc.columns(['conversion_event_id', 'postback_id']).doNothing()),
  );
}

/** Inserts the rows that are not there yet; how many were. */
async function insertDeliveryRows(trx: Db, rows: NewDeliveryRow[]): Promise<number> {
  if (rows.length > MAX_PREPARED_ROWS) {
    const result = await trx
      .insertInto('deliveries')
      .values(rows)
      .onConflict((oc) => oc.columns(['conversion_event_id', 'postback_id']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  let insert = preparedInserts.get(rows.length);
  if (!insert) {
    insert = deliveriesInsert(rows.length);
    preparedInserts.set(rows.length, insert);
  }
  const values: unknown[] = [];
  for (const row of rows) for (const c of DELIVERY_COLUMNS) values.push(row[c] ?? null);
  return Number((await insert(trx, ...values)).numAffectedRows ?? 0);
}

export async function enqueueDeliveriesForEvent(
  trx: Db,
  conversion: ConversionRow,
  event: ConversionEventRow,
  now: number,
): Promise<number> {
  const candidates = await findOutboxCandidates(trx, conversion.publisher_id, conversion.offer_id);
  return queueDeliveries(trx, deliveryRowsFor(candidates, conversion, event, now));
}

/**
 * enqueueDeliveriesForEvent for the events of many conversions (one each), with one read of the
 * postbacks and one insert: where every statement is a round trip, per batch rather than per event.
 * Each delivery is queued as of its event's time.
 */
export async function enqueueDeliveriesForEvents(
  trx: Db,
  written: readonly { conversion: ConversionRow; event: ConversionEventRow }[],
): Promise<number> {
  const candidates = await findOutboxCandidatesForMany(
    trx,
    written.map((w) => w.conversion),
  );
  return queueDeliveries(
    trx,
    written.flatMap((w, i) =>
      deliveryRowsFor(candidates[i], w.conversion, w.event, Number(w.event.created_at)),
    ),
  );
}

function deliveryRowsFor(
  candidates: readonly OutboxCandidate[],
  conversion: ConversionRow,
  event: ConversionEventRow,
  now: number,
): NewDeliveryRow[] {
  if (candidates.length === 0) return [];
  return selectFiringPostbacks(candidates, conversion, event.to_status).map((postback) =>
    // A disabled endpoint still owes this postback: hold it until someone re-enables and releases.
    newDeliveryRow(
      event.id,
      postback.id,
      conversion,
      postback.state === 'disabled' ? 'held' : 'pending',
      now,
    ),
  );
}

/** Inserts the rows and wakes the workers at commit when one is due; how many were inserted. */
async function queueDeliveries(trx: Db, rows: NewDeliveryRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await insertDeliveryRows(trx, rows);
  // Rows skipped as already there could make this wake-up needless, never harmful.
  if (inserted > 0 && rows.some((row) => row.status === 'pending')) {
    await wakeOtherWorkersAtCommit(trx);
  }
  return inserted;
}
