import pg from 'pg';
import { beforeEach, expect, it } from 'vitest';
import { deliveryRows, seedDeliveries } from '../../test/support/receiver.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import {
  claimDueDeliveries,
  completeDelivery,
  deferDelivery,
  failDelivery,
  insertAttempts,
  renewLease,
  requeueFailedDeliveries,
  rescheduleDelivery,
  sweepExpiredLeases,
} from './delivery.repository.ts';
import { releaseHeldDeliveries, setEndpointEnabled } from './endpoint-health.ts';

const T0 = Date.UTC(2026, 0, 1);
const LEASE = 60_000;

describeEachStore('delivery repository', (current) => {
  const db = () => current().store.db;
  const claim = (now: number, limit: number, claimId: string) =>
    claimDueDeliveries(db(), {
      lock: current().store.claimLock,
      now,
      limit,
      claimId,
      leaseMs: LEASE,
    });

  beforeEach(async () => {
    await db().deleteFrom('delivery_attempts').execute();
    await db().deleteFrom('deliveries').execute();
  });

  it('writes attempt rows exactly as given, however many', async () => {
    const seeded = await seedDeliveries(db(), 'http://127.0.0.1:9', 1, { now: T0 });
    const attempt = (i: number) => ({
      delivery_id: seeded.deliveryIds[0],
      postback_id: seeded.postbackId,
      attempt_no: i + 1,
      trigger: 'scheduled' as const,
      url: `https://example.test/p?i=${i}&q="x'y"`,
      method: 'POST',
      request_headers: JSON.stringify({ 'content-type': 'application/json' }),
      request_body: i === 0 ? null : `{"data":[{"n":${i},"name":"Grüße 😀 \\ "quoted""}]}`,
      status_code: i % 2 === 0 ? 200 : 0,
      response_excerpt: i === 1 ? 'Ünïcödé answer' : '{"events_received":1}',
      response_truncated: i % 2,
      duration_ms: 50 + i,
      error_class: i % 2 === 0 ? null : ('timeout' as const),
      error_message: i % 2 === 0 ? null : 'took too long',
      created_at: T0 + 2 ** 40 + i,
      trace_id: i === 2 ? undefined : `trace-${i}`,
    });
    const rows = Array.from({ length: 1_200 }, (_, i) => attempt(i));
    await insertAttempts(db(), rows);
    const stored = await db()
      .selectFrom('delivery_attempts')
      .selectAll()
      .where('delivery_id', '=', seeded.deliveryIds[0])
      .orderBy('attempt_no')
      .execute();
    expect(stored).toHaveLength(rows.length);
    const expected = (i: number) => ({ ...attempt(i), trace_id: i === 2 ? null : `trace-${i}` });
    for (const i of [0, 1, 2, 3, 1_199]) {
      const { id, ...row } = stored[i];
      expect(typeof id).toBe('number');
      expect({ ...row, created_at: Number(row.created_at) }).toEqual(expected(i));
    }
  });

  it('claims due rows once: concurrent claimers get disjoint sets that cover everything', async () => {
    const seeded = await seedDeliveries(db(), 'http://127.0.0.1:9', 40, { now: T0 });
    // Separate connections on PostgreSQL (the pool hands each claim its own), one writer on SQLite.
    const batches = await Promise.all(Array.from({ length: 8 }, (_, i) => claim(T0, 7, `c${i}`)));
    const ids = batches.flat().map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual([...seeded.deliveryIds].sort());
    for (const [i, batch] of batches.entries()) {
      for (const row of batch) {
        expect(row).toMatchObject({ status: 'in_flight', claim_id: `c${i}`, lease_until: T0 + LEASE });
      }
    }
    expect(await claim(T0, 10, 'late')).toEqual([]);
  });

  it('two connections claiming at once never share a row (PostgreSQL: both transactions open)', async () => {
    const url = current().databaseUrl;
    if (!url) {
      // SQLite: one writer; two claims racing on the store still split the rows.
      const seeded = await seedDeliveries(db(), 'http://127.0.0.1:9', 30, { now: T0 });
      const [a, b] = await Promise.all([claim(T0, 20, 'a'), claim(T0, 20, 'b')]);
      expect(a.length + b.length).toBe(30);
      expect(a.filter((r) => b.some((x) => x.id === r.id))).toEqual([]);
      expect([...a, ...b].map((r) => r.id).sort()).toEqual([...seeded.deliveryIds].sort());
      return;
    }
    const seeded = await seedDeliveries(db(), 'http://127.0.0.1:9', 30, { now: T0 });
    const clients = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
    await Promise.all(clients.map((c) => c.connect()));
    try {
      // Each client holds its claim open in a transaction while the other claims: SKIP LOCKED at work.
      await Promise.all(clients.map((c) => c.query('begin')));
      const sqlText = `update deliveries set status = 'in_flight', claim_id = $1 where id in (
          select id from deliveries where status = 'pending' and next_run_at <= $2
          order by next_run_at limit 20 for update skip locked) returning id`;
      const a = await clients[0].query(sqlText, ['a', T0]);
      const b = await clients[1].query(sqlText, ['b', T0]);
      await Promise.all(clients.map((c) => c.query('commit')));
      const idsA = a.rows.map((r) => r.id);
      const idsB = b.rows.map((r) => r.id);
      expect(idsA).toHaveLength(20);
      expect(idsB).toHaveLength(10);
      expect(idsA.filter((id) => idsB.includes(id))).toEqual([]);
      expect([...idsA, ...idsB].sort()).toEqual([...seeded.deliveryIds].sort());
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  it('does not claim a row before it is due', async () => {
    const seeded = await seedDeliveries(db(), 'http://127.0.0.1:9', 1, { now: T0 });
    const [row] = await claim(T0, 1, 'c1');
    expect(
      await rescheduleDelivery(db(), row.id, 'c1', {
        now: T0,
        nextRunAt: T0 + 5_000,
        statusCode: 500,
        error: 'HTTP 500',
        spendAttempt: true,
      }),
    ).toBe(true);
    expect(await claim(T0 + 4_999, 10, 'c2')).toEqual([]);
    const [again] = await claim(T0 + 5_000, 10, 'c3');
    expect(again).toMatchObject({ id: seeded.deliveryIds[0], attempts: 1, last_status_code: 500 });
  });

  it('returns an expired lease to pending, and the stale worker can no longer complete or renew', async () => {
    await seedDeliveries(db(), 'http://127.0.0.1:9', 1, { now: T0 });
    const [row] = await claim(T0, 1, 'stale');
    expect(await sweepExpiredLeases(db(), T0 + LEASE - 1)).toBe(0);
    expect(await sweepExpiredLeases(db(), T0 + LEASE + 1)).toBe(1);
    const [reclaimed] = await claim(T0 + LEASE + 1, 1, 'fresh');
    expect(reclaimed.id).toBe(row.id);
    const facts = { now: T0 + LEASE + 2, statusCode: 200, error: null, spendAttempt: true };
    expect(await completeDelivery(db(), row.id, 'stale', facts)).toBe(false);
    expect(await renewLease(db(), row.id, 'stale', T0 + 10 * LEASE, T0 + LEASE + 2)).toBe(false);
    expect(await renewLease(db(), row.id, 'fresh', T0 + 3 * LEASE, T0 + LEASE + 2)).toBe(true);
    expect(await completeDelivery(db(), row.id, 'fresh', facts)).toBe(true);
    const [final] = await deliveryRows(db(), [row.id]);
    expect(final).toMatchObject({
      status: 'succeeded',
      claim_id: null,
      attempts: 1,
      completed_at: T0 + LEASE + 2,
    });
  });

  it('defers without spending an attempt; failure is kept and can be requeued in bulk', async () => {
    const seeded = await seedDeliveries(db(), 'http://127.0.0.1:9', 3, { now: T0 });
    const rows = await claim(T0, 3, 'c');
    expect(await deferDelivery(db(), rows[0].id, 'c', T0, T0 + 100)).toBe(true);
    for (const r of rows.slice(1)) {
      expect(
        await failDelivery(db(), r.id, 'c', { now: T0, statusCode: 500, error: 'x', spendAttempt: true }),
      ).toBe(true);
    }
    const after = await deliveryRows(db(), seeded.deliveryIds);
    const byId = new Map(after.map((r) => [r.id, r]));
    expect(byId.get(rows[0].id)).toMatchObject({ status: 'pending', attempts: 0, next_run_at: T0 + 100 });
    expect(after.filter((r) => r.status === 'failed')).toHaveLength(2);
    const requeued = await requeueFailedDeliveries(db(), {
      postbackId: seeded.postbackId,
      since: T0,
      limit: 1,
      now: T0 + 1,
    });
    expect(requeued).toBe(1);
    const statuses = (await deliveryRows(db(), seeded.deliveryIds)).map((r) => r.status).sort();
    expect(statuses).toEqual(['failed', 'pending', 'pending']);
  });

  it('holds a disabled endpoint’s pending deliveries and releases them on request', async () => {
    const seeded = await seedDeliveries(db(), 'http://127.0.0.1:9', 2, { now: T0 });
    expect(await setEndpointEnabled(db(), seeded.postbackId, false, T0)).toBe(true);
    expect((await deliveryRows(db(), seeded.deliveryIds)).map((r) => r.status)).toEqual(['held', 'held']);
    expect(await claim(T0 + 1, 10, 'c')).toEqual([]);
    expect(await setEndpointEnabled(db(), seeded.postbackId, true, T0 + 2)).toBe(true);
    expect(await releaseHeldDeliveries(db(), seeded.postbackId, T0 + 3)).toBe(2);
    expect(await claim(T0 + 3, 10, 'c')).toHaveLength(2);
    expect(await setEndpointEnabled(db(), 999_999, false, T0)).toBe(false);
  });

  it('claims no more of one endpoint than its room; the rest stays pending in the store', async () => {
    const a = await seedDeliveries(db(), 'http://127.0.0.1:9', 6, { now: T0 });
    const b = await seedDeliveries(db(), 'http://127.0.0.1:9', 6, { now: T0 });
    const claimWith = (claimId: string, extra: { room?: [number, number][]; skip?: number[] }) =>
      claimDueDeliveries(db(), {
        lock: current().store.claimLock,
        now: T0,
        limit: 12,
        claimId,
        leaseMs: LEASE,
        perEndpoint: 3,
        endpointRoom: new Map(extra.room ?? []),
        skipEndpoints: extra.skip,
      });
    const first = await claimWith('c1', { room: [[a.postbackId, 1]] });
    const count = (rows: { postback_id: number }[], id: number) =>
      rows.filter((r) => r.postback_id === id).length;
    expect(count(first, a.postbackId)).toBe(1);
    expect(count(first, b.postbackId)).toBe(3);
    const second = await claimWith('c2', { skip: [b.postbackId] });
    expect(count(second, a.postbackId)).toBe(3);
    expect(count(second, b.postbackId)).toBe(0);
    const pending = (await deliveryRows(db(), [...a.deliveryIds, ...b.deliveryIds])).filter(
      (r) => r.status === 'pending',
    );
    expect(count(pending, a.postbackId)).toBe(2);
    expect(count(pending, b.postbackId)).toBe(3);
  });

  it('claims only the named endpoints when asked, fairly by their room, oldest due first', async () => {
    const a = await seedDeliveries(db(), 'http://127.0.0.1:9', 5, { now: T0 });
    const b = await seedDeliveries(db(), 'http://127.0.0.1:9', 5, { now: T0 });
    const c = await seedDeliveries(db(), 'http://127.0.0.1:9', 5, { now: T0 });
    const claimOnly = (claimId: string, only: number[], room: [number, number][]) =>
      claimDueDeliveries(db(), {
        lock: current().store.claimLock,
        now: T0,
        limit: 6,
        claimId,
        leaseMs: LEASE,
        perEndpoint: 4,
        endpointRoom: new Map(room),
        onlyEndpoints: only,
      });
    const count = (rows: { postback_id: number }[], id: number) =>
      rows.filter((r) => r.postback_id === id).length;
    const single = await claimOnly('c1', [a.postbackId], [[a.postbackId, 4]]);
    expect([count(single, a.postbackId), count(single, b.postbackId), count(single, c.postbackId)]).toEqual([
      4, 0, 0,
    ]);
    const pair = await claimOnly(
      'c2',
      [b.postbackId, c.postbackId],
      [
        [b.postbackId, 2],
        [c.postbackId, 4],
      ],
    );
    expect([count(pair, a.postbackId), count(pair, b.postbackId), count(pair, c.postbackId)]).toEqual([
      0, 2, 4,
    ]);
    expect(await claimOnly('c3', [], [])).toEqual([]);
  });
});
