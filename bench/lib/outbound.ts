// Outbound phases: start a worker process, time how long it takes to deliver what is queued.
import { randomBytes } from 'node:crypto';
import type { Store } from '../../src/db/store.ts';
import { startTrackwire } from './processes.ts';

export interface DrainResult {
  delivered: number;
  perSecond: number;
  peakRssMb: number;
}

async function countByStatus(store: Store, status: string): Promise<number> {
  const row = await store.db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', status as never)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Runs a worker until `expected` more deliveries have succeeded (or 5 minutes pass). */
export async function drainDeliveries(
  store: Store,
  env: Record<string, string>,
  expected: number,
): Promise<DrainResult> {
  const before = await countByStatus(store, 'succeeded');
  const worker = await startTrackwire(env, 'worker');
  // The worker's own start-up (loading, migrating) is not delivery time: measure from its first success.
  let firstAt = 0;
  let done = before;
  const deadline = Date.now() + 300_000;
  while (done - before < expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    done = await countByStatus(store, 'succeeded');
    if (!firstAt && done > before) firstAt = performance.now();
  }
  const seconds = firstAt ? (performance.now() - firstAt) / 1000 : Number.POSITIVE_INFINITY;
  const peakRssMb = worker.memory().peakMb;
  await worker.stop();
  const delivered = done - before;
  return { delivered, perSecond: delivered / seconds, peakRssMb };
}

/** Queues `count` deliveries to one new postback whose receiver answers slowly. */
export async function addSlowDeliveries(store: Store, receiverUrl: string, count: number): Promise<void> {
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
    .select([
      'conversion_events.id as eventId',
      'conversions.id as conversionId',
      'conversions.publisher_id as publisherId',
    ])
    .limit(count)
    .execute();
  if (events.length < count)
    throw new Error(`only ${events.length} conversion events to attach slow deliveries to`);
  const rows = events.map((e) => ({
    id: `dlv_slow_${randomBytes(9).toString('hex')}`,
    conversion_event_id: e.eventId,
    postback_id: inserted.id,
    conversion_id: e.conversionId,
    publisher_id: template.publisher_id,
    status: 'pending' as const,
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
  for (let i = 0; i < rows.length; i += 500)
    await store.db
      .insertInto('deliveries')
      .values(rows.slice(i, i + 500))
      .execute();
}
