import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedClick, seedConversion } from '../../../test/support/activity-rows.ts';
import { apiClient, makeKey } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import { ManualClock } from '../../shared/clock.ts';

const DAY = 24 * 60 * 60 * 1000;

describeEachStore('overview', (current) => {
  const todayStart = Date.UTC(2026, 5, 10);
  const clock = new ManualClock(todayStart + 10 * 60 * 60 * 1000);
  let app: TestApp;
  let publisherA: number;
  beforeAll(async () => {
    app = await startTestApp(current().store, {}, clock);
    const admin = apiClient(app.url, TEST_ADMIN_KEY);
    const advertiserId = (await admin('POST', '/advertisers', { name: 'Adv' })).body.id;
    const offerId = (
      await admin('POST', '/offers', {
        advertiserId,
        name: 'O',
        url: 'https://x.example/',
        payout: 1.5,
        revenue: 2.5,
      })
    ).body.id;
    publisherA = (await admin('POST', '/publishers', { name: 'A' })).body.id;
    const publisherB = (await admin('POST', '/publishers', { name: 'B' })).body.id;
    const linkA = (await admin('POST', '/links', { offerId, publisherId: publisherA })).body.id;
    const linkB = (await admin('POST', '/links', { offerId, publisherId: publisherB })).body.id;
    const a = { linkId: linkA, offerId, publisherId: publisherA, advertiserId };
    const b = { linkId: linkB, offerId, publisherId: publisherB, advertiserId };
    const db = current().store.db;
    const c1 = await seedClick(db, a, todayStart + 1000);
    const c2 = await seedClick(db, a, todayStart + 2000);
    await seedClick(db, b, todayStart + 3000);
    const old = await seedClick(db, a, todayStart - 5000);
    await seedConversion(db, c1, { status: 'approved' });
    await seedConversion(db, c2, { status: 'rejected' });
    await seedConversion(db, old, { status: 'approved', payout: 4, revenue: 6 });
  });
  afterAll(() => app.close());

  it("counts today's and yesterday's clicks and conversions, with money from approved and pending ones", async () => {
    const reply = await apiClient(app.url, TEST_ADMIN_KEY)('GET', `/overview?todayStart=${todayStart}`);
    expect(reply.status).toBe(200);
    expect(reply.body.today).toMatchObject({
      from: todayStart,
      to: todayStart + DAY,
      clicks: 3,
      conversions: 2,
    });
    expect(reply.body.today.money).toEqual([{ currency: 'USD', payout: 1.5, revenue: 2.5, profit: 1 }]);
    // The conversion of yesterday's click landed 1 s later, still yesterday.
    expect(reply.body.yesterday).toMatchObject({ clicks: 1, conversions: 1 });
    expect(reply.body.yesterday.money).toEqual([{ currency: 'USD', payout: 4, revenue: 6, profit: 2 }]);
  });

  it('shows a publisher only its own traffic and payout, never revenue or profit', async () => {
    const key = await makeKey(current().store, 'publisher', { publisherId: publisherA });
    const reply = await apiClient(app.url, key)('GET', '/overview');
    expect(reply.body.today).toMatchObject({ from: todayStart, clicks: 2, conversions: 2 });
    expect(reply.body.today.money).toEqual([{ currency: 'USD', payout: 1.5, revenue: null, profit: null }]);
  });
});
