import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient, type Call } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { describeEachStore } from '../../../test/support/stores.ts';

describeEachStore('offers API', (current) => {
  let t: TestApp;
  let admin: Call;
  let advertiserId: number;
  let changes = 0;
  beforeAll(async () => {
    t = await startTestApp(current().store);
    admin = apiClient(t.url, TEST_ADMIN_KEY);
    advertiserId = (await admin('POST', '/advertisers', { name: 'Offer owner' })).body.id;
    t.ctx.events.on('catalog.changed', () => changes++);
  });
  afterAll(() => t.close());

  const valid = () => ({
    advertiserId,
    name: 'Game install',
    url: 'https://example.com/landing?click_id={click_id}&sub1={sub1}',
    payout: 1.5,
    revenue: 2,
    currency: 'eur',
    goals: [
      { key: 'install', name: 'Install' },
      { key: 'purchase', name: 'Purchase', payout: 10, revenue: 15 },
    ],
    allowDuplicates: true,
    clickLifetimeDays: 7,
    uniqueWindowHours: 6,
  });

  it('creates an offer with its goals stored in offer_goals, currency upper-cased', async () => {
    const before = changes;
    const reply = await admin('POST', '/offers', valid());
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      advertiserId,
      name: 'Game install',
      payout: 1.5,
      revenue: 2,
      currency: 'EUR',
      allowDuplicates: true,
      clickLifetimeDays: 7,
      uniqueWindowHours: 6,
      goals: [
        { key: 'install', name: 'Install', payout: null, revenue: null },
        { key: 'purchase', name: 'Purchase', payout: 10, revenue: 15 },
      ],
    });
    expect(changes).toBe(before + 1);
    const goals = await current()
      .store.db.selectFrom('offer_goals')
      .select(['key', 'payout'])
      .where('offer_id', '=', reply.body.id)
      .orderBy('key')
      .execute();
    expect(goals).toEqual([
      { key: 'install', payout: null },
      { key: 'purchase', payout: 10 },
    ]);
    expect((await admin('GET', `/offers/${reply.body.id}`)).body).toEqual(reply.body);
  });

  it('applies defaults when only the essentials are given', async () => {
    const reply = await admin('POST', '/offers', { advertiserId, name: 'Min', url: 'http://example.com/' });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      payout: 0,
      revenue: 0,
      currency: 'USD',
      goals: [],
      allowDuplicates: false,
      clickLifetimeDays: 30,
      uniqueWindowHours: 24,
    });
  });

  it.each([
    [{ url: 'ftp://example.com/' }, 'url'],
    [{ url: 'example.com/landing' }, 'url'],
    [{ currency: 'EURO' }, 'currency'],
    [{ currency: 'E1R' }, 'currency'],
    [{ payout: -1 }, 'payout'],
    [{ payout: 'lots' }, 'payout'],
    [{ clickLifetimeDays: 0 }, 'clickLifetimeDays'],
    [{ uniqueWindowHours: 0 }, 'uniqueWindowHours'],
    [{ goals: [{ key: 'default', name: 'Mine' }] }, 'goals.0.key'],
    [
      {
        goals: [
          { key: 'a', name: 'A' },
          { key: 'a', name: 'B' },
        ],
      },
      'goals.1.key',
    ],
    [{ goals: [{ key: 'Has Space', name: 'A' }] }, 'goals.0.key'],
    [{ advertiserId: 999_999 }, 'advertiserId'],
  ])('rejects %j with 400 naming %s', async (patch, field) => {
    const reply = await admin('POST', '/offers', { ...valid(), ...patch });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('validation_failed');
    expect(reply.body.error.message).toContain(field);
  });

  it('updates fields and replaces the goal list', async () => {
    const offer = (await admin('POST', '/offers', valid())).body;
    const before = changes;
    const reply = await admin('PATCH', `/offers/${offer.id}`, {
      payout: 2.25,
      goals: [{ key: 'registration', name: 'Registration', payout: 3 }],
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ payout: 2.25, revenue: 2, name: 'Game install' });
    expect(reply.body.goals).toEqual([
      { key: 'registration', name: 'Registration', payoutType: 'fixed', payout: 3, revenue: null },
    ]);
    expect(changes).toBe(before + 1);
    const bad = await admin('PATCH', `/offers/${offer.id}`, { goals: [{ key: 'default', name: 'x' }] });
    expect(bad.status).toBe(400);
    expect((await admin('GET', `/offers/${offer.id}`)).body.goals).toHaveLength(1);
    expect((await admin('PATCH', '/offers/999999', { payout: 1 })).status).toBe(404);
  });

  it('deletes an offer without links, with its goals; refuses one with links (409)', async () => {
    const offer = (await admin('POST', '/offers', valid())).body;
    const publisher = (await admin('POST', '/publishers', { name: 'P' })).body;
    const link = (await admin('POST', '/links', { offerId: offer.id, publisherId: publisher.id })).body;
    expect((await admin('DELETE', `/offers/${offer.id}`)).status).toBe(409);
    expect((await admin('DELETE', `/links/${link.id}`)).status).toBe(204);
    const before = changes;
    expect((await admin('DELETE', `/offers/${offer.id}`)).status).toBe(204);
    expect(changes).toBe(before + 1);
    expect((await admin('GET', `/offers/${offer.id}`)).status).toBe(404);
    const goals = await current()
      .store.db.selectFrom('offer_goals')
      .select('id')
      .where('offer_id', '=', offer.id)
      .execute();
    expect(goals).toEqual([]);
  });

  it('filters the list by advertiser', async () => {
    const other = (await admin('POST', '/advertisers', { name: 'Other' })).body.id;
    const mine = (await admin('POST', '/offers', { ...valid(), advertiserId: other })).body.id;
    const list = await admin('GET', `/offers?advertiserId=${other}`);
    expect(list.body.data.map((o: { id: number }) => o.id)).toEqual([mine]);
  });

  it('searches by name, in any case and with LIKE wildcards taken literally, or by id', async () => {
    const a = (await admin('POST', '/offers', { ...valid(), name: 'Summer 50%_Sale' })).body.id;
    const b = (await admin('POST', '/offers', { ...valid(), name: 'summer launch' })).body.id;
    const ids = async (q: string) =>
      (await admin('GET', `/offers?q=${encodeURIComponent(q)}`)).body.data.map((o: { id: number }) => o.id);
    expect(await ids('SUMMER')).toEqual([a, b]);
    expect(await ids('50%_')).toEqual([a]);
    expect(await ids('%')).toEqual([a]);
    expect(await ids(String(b))).toEqual([b]);
  });
});
