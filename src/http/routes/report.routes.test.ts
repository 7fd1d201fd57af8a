import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LinkRef, seedClick, seedConversion } from '../../../test/support/activity-rows.ts';
import { apiClient, makeKey } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import type { KeyRole } from '../../auth/api-key.table.ts';
import { FIELD_READERS, ROLES } from '../../auth/field-visibility.ts';

const HOUR = 3_600_000;
const NOV1 = Date.UTC(2026, 10, 1);

describeEachStore('reports API', (current) => {
  let app: TestApp;
  let admin: ReturnType<typeof apiClient>;
  let a: LinkRef;
  let b: LinkRef;
  const keys = {} as Record<KeyRole, string>;

  beforeAll(async () => {
    app = await startTestApp(current().store);
    admin = apiClient(app.url, TEST_ADMIN_KEY);
    const advertiserId = (await admin('POST', '/advertisers', { name: 'Adv' })).body.id;
    const other = (await admin('POST', '/advertisers', { name: 'Other' })).body.id;
    const offer = async (adv: number) =>
      (
        await admin('POST', '/offers', {
          advertiserId: adv,
          name: 'O',
          url: 'https://x.example/',
          payout: 3,
          revenue: 5,
        })
      ).body.id;
    const offerA = await offer(advertiserId);
    const offerB = await offer(other);
    const pubA = (await admin('POST', '/publishers', { name: 'A' })).body.id;
    const pubB = (await admin('POST', '/publishers', { name: 'B' })).body.id;
    const link = async (offerId: number, publisherId: number) =>
      (await admin('POST', '/links', { offerId, publisherId })).body.id;
    a = { linkId: await link(offerA, pubA), offerId: offerA, publisherId: pubA, advertiserId };
    b = { linkId: await link(offerB, pubB), offerId: offerB, publisherId: pubB, advertiserId: other };
    const db = current().store.db;
    // Nov 1: A has 3 clicks (one repeat), 2 conversions (approved, rejected); B 1 click, 1 pending.
    const a1 = await seedClick(db, a, NOV1 + 10 * HOUR);
    await seedClick(db, a, NOV1 + 11 * HOUR, { is_unique: 0, country: 'US' });
    const a3 = await seedClick(db, a, NOV1 + 12 * HOUR, { sub1: 'tiktok' });
    const b1 = await seedClick(db, b, NOV1 + 13 * HOUR, { country: null });
    await seedConversion(db, a1, { status: 'approved', payout: 3, revenue: 5 });
    await seedConversion(db, a3, { status: 'rejected', payout: 3, revenue: 5 });
    await seedConversion(db, b1, { status: 'pending', payout: 1, revenue: 4 });
    // Oct 31, 20:00 UTC: Nov 1 in Kathmandu (+05:45), Oct 31 in UTC.
    const late = await seedClick(db, a, NOV1 - 4 * HOUR);
    await seedConversion(db, late, { status: 'approved', payout: 3, revenue: 5 });
    keys.admin = TEST_ADMIN_KEY;
    keys.publisher = await makeKey(current().store, 'publisher', { publisherId: pubA });
    keys.advertiser = await makeKey(current().store, 'advertiser', { advertiserId });
  });
  afterAll(() => app.close());

  const get = (path: string, role: KeyRole = 'admin') => apiClient(app.url, keys[role])('GET', path);

  it('answers the contract: rows per day and offer with every metric, and the summary', async () => {
    const reply = await get('/reports?from=2026-11-01&to=2026-11-01&tz=UTC&groupBy=day,offer');
    expect(reply.status).toBe(200);
    expect(reply.body.rows).toEqual([
      {
        day: '2026-11-01',
        offerId: a.offerId,
        currency: 'USD',
        clicks: 3,
        uniqueClicks: 2,
        conversions: 1,
        pending: 0,
        approved: 1,
        rejected: 1,
        declined: 0,
        reversed: 0,
        revenue: 5,
        payout: 3,
        profit: 2,
        cr: 0.333333,
        epc: 1.666667,
        margin: 0.4,
      },
      expect.objectContaining({
        day: '2026-11-01',
        offerId: b.offerId,
        clicks: 1,
        pending: 1,
        revenue: 4,
        payout: 1,
      }),
    ]);
    expect(reply.body.summary).toMatchObject({
      currency: 'USD',
      clicks: 4,
      uniqueClicks: 3,
      conversions: 2,
      revenue: 9,
      payout: 4,
      profit: 5,
    });
    expect(reply.body.summaryByCurrency).toEqual([{ ...reply.body.summary, currency: 'USD' }]);
    expect(reply.body).toMatchObject({
      from: '2026-11-01',
      to: '2026-11-01',
      tz: 'UTC',
      totalRows: 2,
      truncated: false,
    });
  });

  it('reads days in the time zone asked for, including 45-minute offsets', async () => {
    const utc = await get('/reports?from=2026-10-31&to=2026-11-01&tz=UTC&groupBy=day');
    expect(utc.body.rows.map((r: { day: string; clicks: number }) => [r.day, r.clicks])).toEqual([
      ['2026-10-31', 1],
      ['2026-11-01', 4],
    ]);
    const nepal = await get('/reports?from=2026-11-01&to=2026-11-01&tz=Asia/Kathmandu&groupBy=hour');
    // 20:00 UTC is 01:45 local: the 01:00 hour.
    expect(nepal.body.rows[0]).toMatchObject({ hour: '2026-11-01T01:00', clicks: 1, approved: 1 });
    expect(nepal.body.summary).toMatchObject({ clicks: 5, approved: 2 });
  });

  it('filters, excludes, sorts, limits and compares with the previous period', async () => {
    const only = await get(
      `/reports?from=2026-11-01&to=2026-11-01&tz=UTC&groupBy=country&exclude.country=US&filter.offer=${a.offerId}`,
    );
    expect(only.body.rows).toEqual([expect.objectContaining({ country: 'DE', clicks: 2 })]);
    const none = await get('/reports?from=2026-11-01&to=2026-11-01&tz=UTC&groupBy=country&filter.country=');
    expect(none.body.rows).toEqual([expect.objectContaining({ country: null, clicks: 1, pending: 1 })]);
    const sorted = await get(
      '/reports?from=2026-11-01&to=2026-11-01&tz=UTC&groupBy=publisher&sort=-revenue&limit=1',
    );
    expect(sorted.body.rows).toEqual([expect.objectContaining({ publisherId: a.publisherId, revenue: 5 })]);
    expect(sorted.body).toMatchObject({ totalRows: 2, truncated: true });
    const compared = await get('/reports?from=2026-11-01&to=2026-11-01&tz=UTC&compare=previous');
    expect(compared.body.previous).toMatchObject({
      from: '2026-10-31',
      to: '2026-10-31',
      summary: { clicks: 1, approved: 1 },
    });
  });

  it('groups by a sub id from raw rows, and by goal with clicks on no goal', async () => {
    const subs = await get('/reports?from=2026-11-01&to=2026-11-01&tz=UTC&groupBy=sub1&sort=sub1');
    expect(subs.body.rows.map((r: { sub1: string; clicks: number }) => [r.sub1, r.clicks])).toEqual([
      ['instagram', 3],
      ['tiktok', 1],
    ]);
    const goals = await get('/reports?from=2026-11-01&to=2026-11-01&tz=UTC&groupBy=goal');
    expect(goals.body.rows).toEqual([
      expect.objectContaining({ goal: 'default', clicks: 0, approved: 1, pending: 1, rejected: 1 }),
      expect.objectContaining({ goal: null, clicks: 4, conversions: 0 }),
    ]);
  });

  it('counts a conversion at its click time when asked', async () => {
    const byClick = await get('/reports?from=2026-10-31&to=2026-10-31&tz=UTC&attribution=click');
    expect(byClick.body.summary).toMatchObject({ clicks: 1, approved: 1 });
  });

  it('splits rows by currency and gives the totals of each, never a sum across currencies', async () => {
    const db = current().store.db;
    const euro = (
      await admin('POST', '/offers', {
        advertiserId: a.advertiserId,
        name: 'E',
        url: 'https://x.example/',
        payout: 2,
        revenue: 7,
        currency: 'EUR',
      })
    ).body.id;
    const euroLink = (await admin('POST', '/links', { offerId: euro, publisherId: a.publisherId })).body.id;
    const e: LinkRef = { ...a, linkId: euroLink, offerId: euro };
    const DEC1 = Date.UTC(2026, 11, 1);
    await seedConversion(db, await seedClick(db, e, DEC1 + HOUR), {
      status: 'approved',
      payout: 2,
      revenue: 7,
    });
    await seedConversion(db, await seedClick(db, a, DEC1 + HOUR), {
      status: 'approved',
      payout: 3,
      revenue: 5,
    });
    const day = 'from=2026-12-01&to=2026-12-01&tz=Asia/Kolkata';

    const byPublisher = await get(`/reports?${day}&groupBy=publisher`);
    expect(byPublisher.body.rows).toEqual([
      expect.objectContaining({
        publisherId: a.publisherId,
        currency: 'EUR',
        clicks: 1,
        revenue: 7,
        profit: 5,
      }),
      expect.objectContaining({
        publisherId: a.publisherId,
        currency: 'USD',
        clicks: 1,
        revenue: 5,
        profit: 2,
      }),
    ]);
    expect(byPublisher.body.summary).toMatchObject({
      currency: null,
      clicks: 2,
      approved: 2,
      cr: 1,
      revenue: null,
      payout: null,
      profit: null,
      epc: null,
      margin: null,
    });
    expect(byPublisher.body.summaryByCurrency).toEqual([
      expect.objectContaining({ currency: 'EUR', clicks: 1, revenue: 7, payout: 2, profit: 5, epc: 7 }),
      expect.objectContaining({ currency: 'USD', clicks: 1, revenue: 5, payout: 3, profit: 2, epc: 5 }),
    ]);

    const byCurrency = await get(`/reports?${day}&groupBy=currency&sort=-revenue`);
    expect(byCurrency.body.rows.map((r: { currency: string }) => r.currency)).toEqual(['EUR', 'USD']);
    const onlyEuro = await get(`/reports?${day}&groupBy=day&filter.currency=EUR`);
    expect(onlyEuro.body.rows).toEqual([
      expect.objectContaining({ day: '2026-12-01', currency: 'EUR', clicks: 1, revenue: 7 }),
    ]);
    expect(onlyEuro.body.summary).toMatchObject({ currency: 'EUR', revenue: 7 });
    const notEuro = await get(`/reports?${day}&exclude.currency=EUR`);
    expect(notEuro.body.summary).toMatchObject({ currency: 'USD', clicks: 1, revenue: 5 });

    // A publisher sees its payout per currency, and neither profit nor margin anywhere.
    const publisher = await get(`/reports?${day}`, 'publisher');
    expect(publisher.body.summaryByCurrency).toEqual([
      expect.not.objectContaining({ profit: expect.anything() }),
      expect.not.objectContaining({ profit: expect.anything() }),
    ]);
    expect(publisher.body.summaryByCurrency.map((r: { revenue: number }) => r.revenue)).toEqual([2, 3]);
    expect(publisher.body.summary).not.toHaveProperty('margin');
  });

  it.each([
    ['from=2026-11-01', 'invalid_date'],
    ['from=2026-02-30&to=2026-03-01', 'invalid_date'],
    ['from=2026-11-02&to=2026-11-01', 'invalid_date'],
    ['from=2026-11-01&to=2026-11-01&tz=Mars/Olympus', 'invalid_time_zone'],
    ['from=2026-11-01&to=2026-11-01&groupBy=day,offer,country,os', 'invalid_group_by'],
    ['from=2026-11-01&to=2026-11-01&groupBy=colour', 'invalid_group_by'],
    ['from=2026-11-01&to=2026-11-01&filter.colour=red', 'invalid_filter'],
    ['from=2026-11-01&to=2026-11-01&filter.offer=abc', 'invalid_filter'],
    ['from=2026-11-01&to=2026-11-01&sort=-colour', 'invalid_sort'],
    ['from=2026-11-01&to=2026-11-01&limit=0', 'invalid_filter'],
    ['from=2026-01-01&to=2026-11-01&groupBy=sub1', 'range_too_long'],
    ['from=2024-01-01&to=2026-11-01', 'range_too_long'],
    ['from=2026-11-01&to=2026-11-01&colour=red', 'validation_failed'],
  ])('refuses %s with %s', async (query, code) => {
    const reply = await get(`/reports?${query}`);
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe(code);
  });

  describe('roles × groupings', () => {
    const GROUPINGS = [
      'day',
      'offer',
      'publisher',
      'advertiser',
      'goal',
      'country',
      'sub1',
      'hour,link,device',
    ];
    const readable = (role: KeyRole) =>
      Object.entries(FIELD_READERS.report)
        .filter(([, roles]) => (roles as readonly KeyRole[]).includes(role))
        .map(([field]) => field);

    it.each(ROLES.flatMap((role) => GROUPINGS.map((g) => [role, g] as const)))(
      'a %s grouping by %s sees only fields and traffic it may',
      async (role, groupBy) => {
        const reply = await get(`/reports?from=2026-10-31&to=2026-11-01&tz=UTC&groupBy=${groupBy}`, role);
        if (role === 'publisher' && groupBy === 'advertiser') {
          expect(reply.status).toBe(403);
          return;
        }
        expect(reply.status).toBe(200);
        const allowed = readable(role);
        for (const row of [...reply.body.rows, reply.body.summary]) {
          for (const key of Object.keys(row)) expect(allowed).toContain(key);
        }
        const summary = reply.body.summary;
        if (role === 'admin') expect(summary).toMatchObject({ clicks: 5, revenue: 14, payout: 7, profit: 7 });
        // The publisher's own traffic only (link A), its payout as its revenue.
        if (role === 'publisher') expect(summary).toMatchObject({ clicks: 4, revenue: 6, payout: 6 });
        // The advertiser's own offer only, and never the payout.
        if (role === 'advertiser') expect(summary).toMatchObject({ clicks: 4, revenue: 10 });
        for (const forbidden of role === 'admin' ? [] : ['profit', 'margin'])
          expect(summary).not.toHaveProperty(forbidden);
        if (role === 'advertiser') expect(summary).not.toHaveProperty('payout');
      },
    );

    it('refuses to sort a publisher report by profit', async () => {
      const reply = await get('/reports?from=2026-11-01&to=2026-11-01&sort=-profit', 'publisher');
      expect(reply.status).toBe(403);
    });
  });
});
