// Outbound phases: start a worker process, time how long it takes to deliver what is queued.
import type { Store } from '../../src/db/store.ts';
import { newDeliveryRow } from '../../src/deliveries/outbox/enqueue-deliveries.ts';
import { startTrackwire } from './processes.ts';
import type { Receiver } from './receiver.ts';

export interface DrainResult {
  delivered: number;
  perSecond: number;
  peakRssMb: number;
}

async function succeededSince(store: Store, since: number, postbackId?: number) {
  let query = store.db
    .selectFrom('deliveries')
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.min('completed_at').as('first'),
      eb.fn.max('completed_at').as('last'),
    ])
    .where('status', '=', 'succeeded')
    .where('completed_at', '>=', since);
  if (postbackId !== undefined) query = query.where('postback_id', '=', postbackId);
  const row = await query.executeTakeFirstOrThrow();
  return { n: Number(row.n), first: Number(row.first), last: Number(row.last) };
}

/**
 * Runs a worker until `expected` deliveries (of one postback, when given) have succeeded, or five
 * minutes pass. The rate comes from the deliveries' own completion times, first to last, so the
 * worker's start-up and this loop's polling do not count.
 *
 * The receiver runs in this process, so while the worker sends, this loop watches only the
 * receiver's count, in memory: polling the store instead (better-sqlite3 is synchronous) would hold
 * the receiver's event loop for every count, and a bench must not stall the server it measures
 * against. The store is read once the receiver has answered as many requests as there are deliveries.
 */
export async function drainDeliveries(
  store: Store,
  env: Record<string, string>,
  receiver: Receiver,
  expected: number,
  postbackId?: number,
): Promise<DrainResult> {
  const since = Date.now();
  const answeredBefore = receiver.received;
  const worker = await startTrackwire(env, 'worker');
  const deadline = Date.now() + 300_000;
  const pause = () => new Promise((r) => setTimeout(r, 100));
  while (receiver.received - answeredBefore < expected && Date.now() < deadline) await pause();
  let done = await succeededSince(store, since, postbackId);
  while (done.n < expected && Date.now() < deadline) {
    await pause();
    done = await succeededSince(store, since, postbackId);
  }
  const peakRssMb = worker.memory().peakMb;
  await worker.stop();
  const seconds = (done.last - done.first) / 1000;
  return { delivered: done.n, perSecond: seconds > 0 ? (done.n - 1) / seconds : 0, peakRssMb };
}

/**
 * Queues up to `count` deliveries (one per conversion event there is) to one new postback whose
 * receiver answers slowly. Returns the postback and how many were queued.
 */
export async function addSlowDeliveries(
  store: Store,
  receiverUrl: string,
  count: number,
): Promise<{ postbackId: number; queued: number }> {
  const now = Date.now();
  const template = await store.db
    .selectFrom('postbacks')
    .selectAll()
    .orderBy('id')
    .limit(1)
    .executeTakeFirstOrThrow();
  const { id: _id, ...copy } = template;
  const inserted = await store.db
    .insertInto('postbacks')
    .values({ ...copy, url: `${receiverUrl}/slow?id={postback_id}`, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const events = await store.db
    .selectFrom('conversion_events')
    .innerJoin('conversions', 'conversions.id', 'conversion_events.conversion_id')
    .select(['conversion_events.id as eventId', 'conversions.id as conversionId'])
    .limit(count)
    .execute();
  const rows = events.map((e) =>
    newDeliveryRow(
      e.eventId,
      inserted.id,
      { id: e.conversionId, publisher_id: template.publisher_id },
      'pending',
      now,
    ),
  );
  for (let i = 0; i < rows.length; i += 500)
    await store.db
      .insertInto('deliveries')
      .values(rows.slice(i, i + 500))
      .execute();
  return { postbackId: inserted.id, queued: rows.length };
}
