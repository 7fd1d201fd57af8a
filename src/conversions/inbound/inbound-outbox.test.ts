// Every conversion event owes its postbacks: deliveries are written with the event, in the same
// transaction, and the worker is woken after the commit.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import {
  createInboundCatalog,
  type InboundCatalog,
  query,
  send,
} from '../../../test/support/inbound-fixtures.ts';
import { postbackRow } from '../../../test/support/rows.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import { ManualClock } from '../../shared/clock.ts';
import { changeConversionStatus } from '../lifecycle/conversion-status.service.ts';

describeEachStore('inbound postbacks feed the outbox', (current) => {
  const clock = new ManualClock(Date.UTC(2026, 2, 1));
  let app: TestApp;
  let catalog: InboundCatalog;
  let wakes = 0;
  const db = () => current().store.db;
  const deliveriesOf = (conversionId: string) =>
    db()
      .selectFrom('deliveries')
      .innerJoin('conversion_events', 'conversion_events.id', 'deliveries.conversion_event_id')
      .select(['deliveries.postback_id', 'deliveries.status', 'conversion_events.to_status'])
      .where('deliveries.conversion_id', '=', conversionId)
      .orderBy('conversion_events.id')
      .execute();

  beforeAll(async () => {
    app = await startTestApp(current().store, {}, clock);
    app.ctx.onDeliveriesQueued(() => wakes++);
    catalog = await createInboundCatalog(db(), clock.now());
    await db()
      .insertInto('postbacks')
      .values(
        postbackRow({
          publisher_id: catalog.publisherId,
          url: 'http://127.0.0.1:9/pb?click={click_id}&status={status}',
          statuses: JSON.stringify(['approved', 'reversed']),
          created_at: clock.now(),
        }),
      )
      .execute();
  });
  afterAll(async () => {
    await app.close();
  });

  it('queues one delivery per firing event and wakes the worker; duplicates and rejections queue nothing', async () => {
    const clickId = await catalog.click(clock.now());
    const base = { token: catalog.token, click_id: clickId, txn_id: 'outbox-1' };
    const pending = await send(`${app.url}/postback?${query({ ...base, status: 'pending' })}`);
    const id = pending.body.conversionId as string;
    expect(await deliveriesOf(id)).toHaveLength(0);
    expect(wakes).toBe(0);

    await send(`${app.url}/postback?${query({ ...base, status: 'approved' })}`);
    expect((await deliveriesOf(id)).map((d) => d.to_status)).toEqual(['approved']);
    expect(wakes).toBe(1);

    await send(`${app.url}/postback?${query({ ...base, status: 'approved' })}`);
    await send(`${app.url}/postback?${query({ ...base, status: 'bogus' })}`);
    expect(await deliveriesOf(id)).toHaveLength(1);
    expect(wakes).toBe(1);

    await changeConversionStatus(app.ctx, { conversionId: id, status: 'reversed', reason: 'chargeback' });
    expect((await deliveriesOf(id)).map((d) => [d.to_status, d.status])).toEqual([
      ['approved', 'pending'],
      ['reversed', 'pending'],
    ]);
    expect(wakes).toBe(2);
  });
});
