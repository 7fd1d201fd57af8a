// End to end: inbound postbacks over HTTP → conversions and events → outbox → worker → a publisher's
// receiver that fails some first tries. Every event's postback must arrive, rendered as expected.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BREAKER_NEVER_OPENS } from '../../src/deliveries/transport/circuit-breaker.ts';
import { type DeliveryWorker, startDeliveryWorker } from '../../src/deliveries/worker/delivery-worker.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createInboundCatalog, type InboundCatalog, query, send } from '../support/inbound-fixtures.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { postbackRow } from '../support/rows.ts';
import { describeEachStore } from '../support/stores.ts';

describeEachStore('delivery drain end to end', (current) => {
  const db = () => current().store.db;
  let app: TestApp;
  let worker: DeliveryWorker;
  let receiver: Receiver;
  let catalog: InboundCatalog;
  let postbackId: number;

  beforeAll(async () => {
    app = await startTestApp(current().store, { retrySchedule: [10, 20, 40], workerPollMs: 50 });
    worker = startDeliveryWorker(app.ctx, { minDelayAfterThrottleMs: 5, breaker: BREAKER_NEVER_OPENS });
    // Every third delivery's first try answers 500; the retry succeeds.
    receiver = await startReceiver((hit, nth) => {
      const n = Number.parseInt(hit.deliveryId.slice(-2), 36) || 0;
      return nth === 1 && n % 3 === 0 ? { status: 500 } : { status: 200 };
    });
    catalog = await createInboundCatalog(db(), Date.now());
    const postback = await db()
      .insertInto('postbacks')
      .values(
        postbackRow({
          publisher_id: catalog.publisherId,
          url: `${receiver.url}/pb?pid={postback_id}&status={status}&txn={txn_id}&payout={payout}&click={click_id}`,
          timeout_ms: 5_000,
        }),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    postbackId = postback.id;
  });
  afterAll(async () => {
    await worker.stop();
    await app.close();
    await receiver.close();
  });

  async function wave(size: number, tag: string) {
    const inbound = async (params: Record<string, string>) => {
      const answer = await send(`${app.url}/postback?${query({ token: catalog.token, ...params })}`);
      expect(answer.body.result).toBe('accepted');
    };
    const sent: Array<{ clickId: string; txn: string }> = [];
    await Promise.all(
      Array.from({ length: size }, async (_, i) => {
        const clickId = await catalog.click(Date.now());
        const txn = `${tag}-${i}`;
        await inbound({
          click_id: clickId,
          txn_id: txn,
          payout: '2.5',
          status: i % 4 === 0 ? 'pending' : 'approved',
        });
        sent.push({ clickId, txn });
      }),
    );
    // Status moves on the same txn: approve some pending ones, reverse some approved ones.
    await Promise.all(
      sent.map(async ({ clickId, txn }) => {
        const index = Number(txn.split('-').pop());
        if (index % 4 === 0) await inbound({ click_id: clickId, txn_id: txn, status: 'approved' });
        else if (index % 5 === 0) await inbound({ click_id: clickId, txn_id: txn, status: 'reversed' });
      }),
    );
    await worker.drained();
  }

  async function expectEveryEventDelivered() {
    const rows = await db()
      .selectFrom('deliveries')
      .innerJoin('conversion_events', 'conversion_events.id', 'deliveries.conversion_event_id')
      .innerJoin('conversions', 'conversions.id', 'deliveries.conversion_id')
      .select([
        'deliveries.id',
        'deliveries.status',
        'conversion_events.to_status',
        'conversion_events.payout',
        'conversions.txn_id',
        'conversions.click_id',
      ])
      .where('deliveries.postback_id', '=', postbackId)
      .execute();
    const events = await db()
      .selectFrom('conversion_events')
      .innerJoin('conversions', 'conversions.id', 'conversion_events.conversion_id')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('conversions.publisher_id', '=', catalog.publisherId)
      .executeTakeFirstOrThrow();
    expect(rows).toHaveLength(Number(events.n));
    expect(rows.every((r) => r.status === 'succeeded')).toBe(true);
    for (const row of rows) {
      const hits = receiver.hits.filter((h) => h.deliveryId === row.id);
      expect(hits.length).toBeGreaterThanOrEqual(1);
      const last = new URL(hits[hits.length - 1].url, 'http://x').searchParams;
      const { payout, ...rest } = Object.fromEntries(last);
      expect(rest).toEqual({ pid: row.id, status: row.to_status, txn: row.txn_id, click: row.click_id });
      expect(Number(payout)).toBe(row.payout);
    }
    const open = await db()
      .selectFrom('deliveries')
      .select('id')
      .where('status', 'in', ['pending', 'in_flight'])
      .execute();
    expect(open).toEqual([]);
    expect(receiver.maxConcurrentPerDelivery).toBe(1);
    return rows.length;
  }

  it('drains a wave of mixed statuses and reversals, retrying failed first tries', async () => {
    await wave(40, 'w1');
    expect(await expectEveryEventDelivered()).toBe(40 + 10 + 6);
  });

  it('drains a second wave on the same running worker', async () => {
    await wave(60, 'w2');
    expect(await expectEveryEventDelivered()).toBe(56 + 60 + 15 + 9);
  });
});
