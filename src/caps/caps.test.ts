// Offer caps end to end over HTTP on both stores: the last slot raced for by concurrent postbacks
// goes to exactly one, over the cap a conversion is held or rejected with reason cap_reached,
// per-publisher caps, payout caps, and the day boundary in the operator's time zone.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient, type Call } from '../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../test/support/app.ts';
import {
  createInboundCatalog,
  type InboundCatalog,
  query,
  send,
} from '../../test/support/inbound-fixtures.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { ManualClock } from '../shared/clock.ts';
import { listReachedCaps } from './cap.service.ts';
import { periodKey } from './cap-period.ts';

describeEachStore('offer caps', (current) => {
  // 23:30 in Berlin on 1 March (22:30 UTC).
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 22, 30));
  let t: TestApp;
  let admin: Call;
  let n = 0;
  const db = () => current().store.db;
  beforeAll(async () => {
    t = await startTestApp(current().store, { timeZone: 'Europe/Berlin' }, clock);
    admin = apiClient(t.url, TEST_ADMIN_KEY);
  });
  afterAll(() => t.close());

  /** Reached as the store says, and as this node's click path sees it (marked by the conversion). */
  async function isReached(offerId: number, publisherId: number): Promise<boolean> {
    const stored = (await listReachedCaps(t.ctx)).some(
      (r) => r.offerId === offerId && (r.publisherId === null || r.publisherId === publisherId),
    );
    expect(t.ctx.reachedCaps?.isAvailable(offerId, publisherId)).toBe(!stored);
    return stored;
  }

  async function capped(cap: Record<string, unknown>): Promise<InboundCatalog> {
    const catalog = await createInboundCatalog(db(), clock.now(), { payout: 3.5, revenue: 5 });
    expect((await admin('POST', `/offers/${catalog.offerId}/caps`, cap)).status).toBe(201);
    return catalog;
  }
  const post = async (c: InboundCatalog, params: Record<string, string> = {}) =>
    send(
      `${t.url}/postback?${query({ token: c.token, click_id: await c.click(clock.now() - 1000), txn_id: `c${++n}`, ...params })}`,
    );

  it('gives the last slot to exactly one of many racing postbacks; the rest are held', async () => {
    const c = await capped({ period: 'total', metric: 'conversions', limit: 5, overAction: 'hold' });
    for (let i = 0; i < 4; i++) expect((await post(c)).body.code).toBe('conversion_created');
    const clicks = await Promise.all(Array.from({ length: 8 }, () => c.click(clock.now() - 1000)));
    const race = await Promise.all(
      clicks.map((clickId) =>
        send(`${t.url}/postback?${query({ token: c.token, click_id: clickId, txn_id: `race${++n}` })}`),
      ),
    );
    const codes = race.map((a) => a.body.code);
    expect(codes.filter((code) => code === 'conversion_created')).toHaveLength(1);
    expect(codes.filter((code) => code === 'conversion_held')).toHaveLength(7);
    expect(race.find((a) => a.body.code === 'conversion_held')?.body).toMatchObject({
      reason: 'cap_reached',
      status: 'pending',
    });
    const caps = (await admin('GET', `/offers/${c.offerId}/caps`)).body.data;
    expect(caps[0]).toMatchObject({ used: 5, limit: 5 });
    expect(await isReached(c.offerId, c.publisherId)).toBe(true);
  });

  it('rejects over a payout cap, and a duplicate takes no slot', async () => {
    const c = await capped({ period: 'day', metric: 'payout', limit: 7, overAction: 'reject' });
    const clickId = await c.click(clock.now() - 1000);
    const once = { token: c.token, click_id: clickId, txn_id: 'same' };
    expect((await send(`${t.url}/postback?${query(once)}`)).body.code).toBe('conversion_created');
    expect((await send(`${t.url}/postback?${query(once)}`)).body.code).toBe('duplicate');
    expect(await isReached(c.offerId, c.publisherId)).toBe(false);
    expect((await post(c)).body.code).toBe('conversion_created');
    const over = await post(c);
    expect(over.body).toMatchObject({
      code: 'conversion_rejected',
      reason: 'cap_reached',
      status: 'rejected',
    });
  });

  it('caps one publisher without touching the others', async () => {
    const c = await createInboundCatalog(db(), clock.now(), { payout: 1, revenue: 2 });
    await admin('POST', `/offers/${c.offerId}/caps`, {
      publisherId: c.publisherId,
      period: 'month',
      metric: 'conversions',
      limit: 1,
      overAction: 'reject',
    });
    expect((await post(c)).body.code).toBe('conversion_created');
    expect((await post(c)).body.code).toBe('conversion_rejected');
    expect(await isReached(c.offerId, c.publisherId)).toBe(true);
    expect(await isReached(c.offerId, c.publisherId + 1)).toBe(false);
    const [cap] = (await admin('GET', `/offers/${c.offerId}/caps`)).body.data;
    // Only under its own offer.
    expect((await admin('DELETE', `/offers/${c.offerId + 1}/caps/${cap.id}`)).status).toBe(404);
    expect((await admin('DELETE', `/offers/${c.offerId}/caps/${cap.id}`)).status).toBe(204);
    expect((await post(c)).body.code).toBe('conversion_created');
  });

  it('starts a new day at midnight in the operator’s time zone, not UTC', async () => {
    expect(periodKey('day', clock.now(), 'Europe/Berlin')).toBe('2026-03-01');
    const c = await capped({ period: 'day', metric: 'conversions', limit: 1, overAction: 'reject' });
    expect((await post(c)).body.code).toBe('conversion_created');
    expect((await post(c)).body.code).toBe('conversion_rejected');
    // 23:30 UTC is 00:30 on 2 March in Berlin, still 1 March in UTC: a new day for the cap.
    clock.advance(60 * 60_000);
    expect(periodKey('day', clock.now(), 'UTC')).toBe('2026-03-01');
    expect((await post(c)).body.code).toBe('conversion_created');
    expect((await admin('GET', `/offers/${c.offerId}/caps`)).body.data[0].used).toBe(1);
  });
});
