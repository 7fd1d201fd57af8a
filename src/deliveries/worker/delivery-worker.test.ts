import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'kysely';
import pino from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  deliveryRows,
  type Receiver,
  seedDeliveries,
  startReceiver,
  workerContext,
} from '../../../test/support/receiver.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import { sweepExpiredLeases } from '../delivery.repository.ts';
import { DEFAULT_HEALTH_POLICY, releaseHeldDeliveries, setEndpointEnabled } from '../endpoint-health.ts';
import { BREAKER_NEVER_OPENS } from '../transport/circuit-breaker.ts';
import { type DeliveryWorker, startDeliveryWorker, type WorkerOptions } from './delivery-worker.ts';

const FAST: Partial<WorkerOptions> = {
  retrySchedule: [10, 20],
  minDelayAfterThrottleMs: 5,
  pollMs: 50,
  breaker: BREAKER_NEVER_OPENS,
};

describeEachStore('delivery worker', (current) => {
  const db = () => current().store.db;
  let receiver: Receiver;
  let worker: DeliveryWorker | undefined;

  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await receiver.close();
  });

  const start = (options: Partial<WorkerOptions> = {}) => {
    worker = startDeliveryWorker(workerContext(current().store), { ...FAST, ...options });
    return worker;
  };

  /**
   * Waits for `w` to drain; short of the test's timeout, fails instead with the state of every
   * unfinished delivery, so a stall says which rows it waits on and why.
   */
  async function drainedOrExplain(w: DeliveryWorker, patienceMs = 20_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(async () => {
        const rows = await db()
          .selectFrom('deliveries')
          .select(['id', 'status', 'attempts', 'claim_id', 'lease_until', 'next_run_at', 'last_error'])
          .where('status', 'in', ['pending', 'in_flight'])
          .execute();
        reject(new Error(`not drained after ${patienceMs} ms at ${Date.now()}: ${JSON.stringify(rows)}`));
      }, patienceMs);
    });
    try {
      await Promise.race([w.drained(), stalled]);
    } finally {
      clearTimeout(timer);
    }
  }

  // A short lease, so a delivery left in flight without an outcome is swept and sent again within
  // seconds instead of holding this test and the next (which drains the whole table) past their
  // timeouts: the test still fails if that sends a delivery twice, and names the rows if it stalls.
  const SHORT_LEASE: Partial<WorkerOptions> = { leaseMs: 2_000 };

  const attemptsOf = (deliveryId: string) =>
    db()
      .selectFrom('delivery_attempts')
      .selectAll()
      .where('delivery_id', '=', deliveryId)
      .orderBy('id')
      .execute();

  it('delivers every postback once it succeeds, retrying failed first tries', async () => {
    // Every third delivery fails its first try with a 500.
    const failFirst = new Set<string>();
    receiver.answer = (hit, nth) =>
      nth === 1 && failFirst.has(hit.deliveryId) ? { status: 500 } : { status: 200 };
    const seeded = await seedDeliveries(db(), receiver.url, 30);
    seeded.deliveryIds.forEach((id, i) => {
      if (i % 3 === 0) failFirst.add(id);
    });
    await drainedOrExplain(start(SHORT_LEASE));
    const rows = await deliveryRows(db(), seeded.deliveryIds);
    expect(rows.every((r) => r.status === 'succeeded')).toBe(true);
    for (const id of seeded.deliveryIds) expect(receiver.countOf(id)).toBe(failFirst.has(id) ? 2 : 1);
    const retried = rows.find((r) => failFirst.has(r.id));
    expect(retried?.attempts).toBe(2);
    const attempts = await attemptsOf(retried?.id ?? '');
    expect(attempts.map((a) => [a.attempt_no, a.status_code, a.trigger])).toEqual([
      [1, 500, 'scheduled'],
      [2, 200, 'scheduled'],
    ]);
    expect(attempts[0]).toMatchObject({ method: 'GET', error_class: 'http' });
    expect(attempts[0].url).toContain(`pid=${retried?.id}`);
    expect(receiver.maxConcurrentPerDelivery).toBe(1);
  });

  it('gives up after 1 + schedule length attempts and keeps the delivery as failed', async () => {
    receiver.answer = () => ({ status: 503, body: 'down for maintenance' });
    const seeded = await seedDeliveries(db(), receiver.url, 1);
    await drainedOrExplain(start(SHORT_LEASE));
    const [row] = await deliveryRows(db(), seeded.deliveryIds);
    expect(row).toMatchObject({ status: 'failed', attempts: 3, last_status_code: 503 });
    expect(row.last_error).toMatch(/gave up after 3 attempts/);
    const attempts = await attemptsOf(row.id);
    expect(attempts.map((a) => a.attempt_no)).toEqual([1, 2, 3]);
    expect(attempts[2].response_excerpt).toBe('down for maintenance');
    expect(receiver.countOf(row.id)).toBe(3);
  });

  it('does not retry a 4xx when the postback says so', async () => {
    receiver.answer = () => ({ status: 400, body: 'duplicate click id' });
    const seeded = await seedDeliveries(db(), receiver.url, 1, { postback: { retry_4xx: 0 } });
    await start().drained();
    const [row] = await deliveryRows(db(), seeded.deliveryIds);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, last_status_code: 400 });
  });

  it('disables an endpoint that answers 410 and holds its deliveries until released', async () => {
    receiver.answer = () => ({ status: 410 });
    const seeded = await seedDeliveries(db(), receiver.url, 5);
    const w = start({ concurrency: 1 });
    await w.drained();
    const postback = await db()
      .selectFrom('postbacks')
      .selectAll()
      .where('id', '=', seeded.postbackId)
      .executeTakeFirstOrThrow();
    expect(postback).toMatchObject({ state: 'disabled', disabled_reason: 'receiver answered 410 Gone' });
    const rows = await deliveryRows(db(), seeded.deliveryIds);
    expect(rows.map((r) => r.status)).toEqual(['held', 'held', 'held', 'held', 'held']);
    // Only the first reached the receiver: the rest were held, never sent, never dropped.
    expect(receiver.hits).toHaveLength(1);

    receiver.answer = () => ({ status: 200 });
    await setEndpointEnabled(db(), seeded.postbackId, true, Date.now());
    expect(await releaseHeldDeliveries(db(), seeded.postbackId, Date.now())).toBe(5);
    await w.drained();
    const after = await deliveryRows(db(), seeded.deliveryIds);
    expect(after.every((r) => r.status === 'succeeded')).toBe(true);
    for (const id of seeded.deliveryIds)
      expect(receiver.hits.filter((h) => h.deliveryId === id).length).toBeGreaterThan(0);
  });

  it('keeps each endpoint within its in-flight cap without spending attempts on deferrals', async () => {
    receiver.answer = () => ({ status: 200, delayMs: 20 });
    const seeded = await seedDeliveries(db(), receiver.url, 12);
    await start({ concurrency: 8, endpointInflightCap: 2 }).drained();
    const rows = await deliveryRows(db(), seeded.deliveryIds);
    expect(rows.every((r) => r.status === 'succeeded' && r.attempts === 1)).toBe(true);
    expect(receiver.maxConcurrent).toBeLessThanOrEqual(2);
    expect(receiver.hits).toHaveLength(12);
  });

  it('keeps a slow endpoint at exactly its cap in flight, with no deferral round trips', async () => {
    receiver.answer = () => ({ status: 200, delayMs: 30 });
    const seeded = await seedDeliveries(db(), receiver.url, 30);
    await start({ concurrency: 32, endpointInflightCap: 4 }).drained();
    const rows = await deliveryRows(db(), seeded.deliveryIds);
    expect(rows.every((r) => r.status === 'succeeded' && r.attempts === 1)).toBe(true);
    expect(receiver.maxConcurrent).toBe(4);
    expect(receiver.hits).toHaveLength(30);
    const attempts = await db()
      .selectFrom('delivery_attempts')
      .select('delivery_id')
      .where('postback_id', '=', seeded.postbackId)
      .execute();
    expect(attempts).toHaveLength(30);
  });

  it('defers work while the breaker is open, without spending attempts', async () => {
    receiver.answer = () => ({ status: 500 });
    const seeded = await seedDeliveries(db(), receiver.url, 3);
    const w = start({
      concurrency: 1,
      retrySchedule: [5, 5, 5, 5, 5, 5, 5, 5],
      breaker: { minAttempts: 2, failureRatio: 0.5, openMs: 60_000 },
    });
    // Two failures open the breaker; after that nothing is sent and no attempt is spent.
    for (let i = 0; i < 100 && receiver.hits.length < 2; i++) await delay(10);
    await delay(100);
    await w.stop();
    worker = undefined;
    expect(receiver.hits).toHaveLength(2);
    const rows = await deliveryRows(db(), seeded.deliveryIds);
    expect(rows.reduce((sum, r) => sum + r.attempts, 0)).toBe(2);
    expect(rows.every((r) => r.status === 'pending')).toBe(true);
    await db()
      .updateTable('deliveries')
      .set({ status: 'cancelled' })
      .where('id', 'in', seeded.deliveryIds)
      .execute();
  });

  it('waits for in-flight attempts on stop and records them', async () => {
    let arrived!: () => void;
    const reached = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    receiver.answer = () => {
      arrived();
      return { status: 200, delayMs: 150 };
    };
    const seeded = await seedDeliveries(db(), receiver.url, 1);
    const w = start();
    await reached;
    await w.stop();
    worker = undefined;
    const [row] = await deliveryRows(db(), seeded.deliveryIds);
    expect(row).toMatchObject({ status: 'succeeded', attempts: 1, claim_id: null });
    expect(await attemptsOf(row.id)).toHaveLength(1);
  });

  it('never sends twice when its own lease lapses mid-attempt: the re-claimed row is adopted', async () => {
    // The answer waits long enough for the row to be swept and claimed again while it is in flight.
    receiver.answer = () => ({ status: 200, delayMs: 1_500 });
    const seeded = await seedDeliveries(db(), receiver.url, 1);
    const [id] = seeded.deliveryIds;
    const w = start({ pollMs: 10 });
    while (receiver.countOf(id) === 0) await delay(5);
    const [claimed] = await deliveryRows(db(), [id]);
    // As if a renewal came too late: a sweeper returns the row to pending while it is being sent,
    // and this worker, polling, claims it again. The sweeper is this test's or the worker's own,
    // which runs every poll: whichever gets there first, the first claim is gone.
    await db().updateTable('deliveries').set({ lease_until: 0 }).where('id', '=', id).execute();
    await sweepExpiredLeases(db(), Date.now());
    const [afterSweep] = await deliveryRows(db(), [id]);
    expect(afterSweep.claim_id).not.toBe(claimed.claim_id);
    await w.drained();
    const [row] = await deliveryRows(db(), seeded.deliveryIds);
    expect(row).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(receiver.countOf(id)).toBe(1);
  });

  it('renews the lease of a slow attempt so a sweeper never hands it to a second sender', async () => {
    receiver.answer = () => ({ status: 200, delayMs: 900 });
    const seeded = await seedDeliveries(db(), receiver.url, 1);
    const w = start({ leaseMs: 300 });
    // Another node's sweeper running all along: an unrenewed 300 ms lease would be taken back.
    const sweeping = setInterval(() => void sweepExpiredLeases(db(), Date.now()), 20);
    try {
      await w.drained();
    } finally {
      clearInterval(sweeping);
    }
    const [row] = await deliveryRows(db(), seeded.deliveryIds);
    expect(row).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(receiver.countOf(row.id)).toBe(1);
  });

  it('writes outcomes again when the store refuses them, so no delivery waits out its lease and goes twice', async () => {
    const seeded = await seedDeliveries(db(), receiver.url, 10);
    // The attempt log is gone while the answers come in: the first writes of their outcomes fail.
    await sql`alter table delivery_attempts rename to delivery_attempts_away`.execute(db());
    // A lease short enough that an outcome left unwritten would be swept and sent again in the test.
    const w = start({ leaseMs: 1_500 });
    while (receiver.hits.length < 10) await delay(5);
    await delay(300);
    await sql`alter table delivery_attempts_away rename to delivery_attempts`.execute(db());
    await w.drained();
    const rows = await deliveryRows(db(), seeded.deliveryIds);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual(rows.map(() => ['succeeded', 1]));
    for (const id of seeded.deliveryIds) expect(receiver.countOf(id)).toBe(1);
    for (const id of seeded.deliveryIds) expect(await attemptsOf(id)).toHaveLength(1);
  });

  /** Makes the store refuse to mark a delivery failed, until the returned function is called. */
  async function refuseFailedState(): Promise<() => Promise<void>> {
    if (current().dialect === 'sqlite') {
      await sql`create trigger refuse_failed before update on deliveries when new.status = 'failed'
        begin select raise(abort, 'refused by the test'); end`.execute(db());
      return async () => void (await sql`drop trigger refuse_failed`.execute(db()));
    }
    await sql`create function refuse_failed() returns trigger language plpgsql
      as $$ begin raise exception 'refused by the test'; end $$`.execute(db());
    await sql`create trigger refuse_failed before update on deliveries
      for each row when (new.status = 'failed') execute function refuse_failed()`.execute(db());
    return async () => {
      await sql`drop trigger refuse_failed on deliveries`.execute(db());
      await sql`drop function refuse_failed()`.execute(db());
    };
  }

  it('logs a failing endpoint and an exhausted delivery once, after the write that records them lands', async () => {
    receiver.answer = () => ({ status: 500 });
    const seeded = await seedDeliveries(db(), receiver.url, 1);
    // Each write of the outcome rolls back after the endpoint's health was worked out, until allowed.
    const allow = await refuseFailedState();
    const lines: { event?: string; msg: string }[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const health = { ...DEFAULT_HEALTH_POLICY, failingNoticeAfter: 1 };
    worker = startDeliveryWorker(
      { ...workerContext(current().store), log },
      { ...FAST, retrySchedule: [], health },
    );
    while (receiver.hits.length < 1) await delay(5);
    await delay(300);
    await allow();
    await worker.drained();
    const [row] = await deliveryRows(db(), seeded.deliveryIds);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(
      lines.filter((l) => l.msg === 'could not write delivery outcomes; trying again').length,
    ).toBeGreaterThan(1);
    expect(lines.filter((l) => l.event === 'endpoint.failing')).toHaveLength(1);
    expect(lines.filter((l) => l.event === 'delivery.exhausted')).toHaveLength(1);
  });
});
