// Revenue is what the advertiser pays (the amount an inbound postback sends, under any alias),
// payout what the publisher earns (the goal's, the publisher's override or the offer's: an amount
// or a share of the revenue). Offers are set up through the API, conversions arrive over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type Call, unique } from '../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../test/support/app.ts';
import { query, send } from '../../test/support/inbound-fixtures.ts';
import { clickRow } from '../../test/support/rows.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { buildOutboundRequest, loadDeliveryContexts } from '../deliveries/prepare/delivery-request.ts';
import { ManualClock } from '../shared/clock.ts';

describeEachStore('money on inbound postbacks', (current) => {
  const clock = new ManualClock(Date.UTC(2026, 2, 1));
  let app: TestApp;
  let admin: Call;
  const db = () => current().store.db;

  beforeAll(async () => {
    app = await startTestApp(current().store, {}, clock);
    admin = apiClient(app.url, TEST_ADMIN_KEY);
  });
  afterAll(async () => {
    await app.close();
  });

  /** An advertiser, a publisher (or two), an offer made by `offer(publisherIds)`, a link and a postback. */
  async function world(offer: (publisherIds: number[]) => Record<string, unknown>) {
    const advertiser = (await admin('POST', '/advertisers', { name: unique('adv') })).body;
    const publishers = [
      (await admin('POST', '/publishers', { name: unique('pub') })).body.id as number,
      (await admin('POST', '/publishers', { name: unique('pub') })).body.id as number,
    ];
    const created = await admin('POST', '/offers', {
      advertiserId: advertiser.id,
      name: unique('offer'),
      url: 'https://adv.example/land?c={click_id}',
      ...offer(publishers),
    });
    expect(created.status).toBe(201);
    const offerId = created.body.id as number;
    const clickFor = async (publisherId: number) => {
      const link = (await admin('POST', '/links', { offerId, publisherId })).body;
      const saved = await admin('POST', '/postbacks', {
        publisherId,
        url: 'https://pub.example/pb?cid={click_id}&payout={payout}&cur={currency}',
      });
      expect(saved.status).toBe(201);
      const row = clickRow({
        link_id: link.id,
        offer_id: offerId,
        publisher_id: publisherId,
        advertiser_id: advertiser.id,
        created_at: clock.now(),
      });
      await db().insertInto('clicks').values(row).execute();
      return row.id;
    };
    return { token: advertiser.postbackToken as string, publishers, offerId, clickFor };
  }

  async function postback(params: Record<string, string>) {
    const answer = await send(`${app.url}/postback?${query(params)}`);
    expect(answer.body).toMatchObject({ result: 'accepted' });
    const conversion = await db()
      .selectFrom('conversions')
      .selectAll()
      .where('id', '=', String(answer.body.conversionId))
      .executeTakeFirstOrThrow();
    const deliveries = await db()
      .selectFrom('deliveries')
      .select('id')
      .where('conversion_id', '=', conversion.id)
      .execute();
    const contexts = await loadDeliveryContexts(
      db(),
      deliveries.map((d) => d.id),
    );
    const sent = [...contexts.values()].map((c) => buildOutboundRequest(c, clock.now(), 'test').request.url);
    return { conversion, sent };
  }

  it("Trackier's revenue=2.5 on a goal paying 12 of 18: revenue 2.5, payout 12, flagged against 18", async () => {
    const w = await world(() => ({
      payout: 1,
      revenue: 2,
      goals: [{ key: 'purchase', name: 'Purchase', payout: 12, revenue: 18 }],
    }));
    const click = await w.clickFor(w.publishers[0]);
    const { conversion, sent } = await postback({
      token: w.token,
      click_id: click,
      revenue: '2.5',
      sale_amount: '99.90',
      goal: 'purchase',
    });
    expect(conversion).toMatchObject({ payout: 12, revenue: 2.5, sale_amount: 99.9, needs_review: 1 });
    expect(conversion.review_reason).toContain('expected revenue 18');
    expect(sent).toEqual([`https://pub.example/pb?cid=${click}&payout=12.00&cur=USD`]);
  });

  it("RevBoost's payout=3.50 is what the advertiser pays: revenue 3.5, the publisher keeps the offer's 2", async () => {
    const w = await world(() => ({ payout: 2, revenue: 5 }));
    const click = await w.clickFor(w.publishers[0]);
    const { conversion, sent } = await postback({ secret: w.token, click_id: click, payout: '3.50' });
    expect(conversion).toMatchObject({ payout: 2, revenue: 3.5, needs_review: 0 });
    expect(sent).toEqual([`https://pub.example/pb?cid=${click}&payout=2.00&cur=USD`]);
  });

  it('every amount alias is revenue; without one the goal or offer revenue applies', async () => {
    const w = await world(() => ({ payout: 2, revenue: 5 }));
    for (const alias of ['payout', 'revenue', 'sum', 'amount']) {
      const { conversion } = await postback({
        token: w.token,
        click_id: await w.clickFor(w.publishers[0]),
        [alias]: '4',
      });
      expect(conversion, alias).toMatchObject({ payout: 2, revenue: 4 });
    }
    const { conversion } = await postback({ token: w.token, click_id: await w.clickFor(w.publishers[0]) });
    expect(conversion).toMatchObject({ payout: 2, revenue: 5, needs_review: 0 });
  });

  it('a revshare offer pays its percent of the revenue, sent or expected; a goal with its own term keeps it', async () => {
    const w = await world(() => ({
      payoutType: 'revshare',
      payout: 40,
      revenue: 10,
      goals: [
        { key: 'lead', name: 'Lead', revenue: 3 },
        { key: 'sale', name: 'Sale', payoutType: 'fixed', payout: 1.25, revenue: 9 },
      ],
    }));
    const pub = w.publishers[0];
    expect((await postback({ token: w.token, click_id: await w.clickFor(pub) })).conversion).toMatchObject({
      payout: 4,
      revenue: 10,
    });
    const sent = await postback({ token: w.token, click_id: await w.clickFor(pub), amount: '12.34' });
    expect(sent.conversion).toMatchObject({ payout: 4.936, revenue: 12.34 });
    expect(sent.sent[0]).toContain('payout=4.936');
    expect(
      (await postback({ token: w.token, click_id: await w.clickFor(pub), goal: 'lead' })).conversion,
    ).toMatchObject({ payout: 1.2, revenue: 3 });
    expect(
      (await postback({ token: w.token, click_id: await w.clickFor(pub), goal: 'sale', revenue: '8' }))
        .conversion,
    ).toMatchObject({ payout: 1.25, revenue: 8 });
  });

  it("a publisher's override replaces the offer's payout for that publisher only", async () => {
    const w = await world(([first]) => ({
      payout: 2,
      revenue: 5,
      publisherPayouts: [{ publisherId: first, payoutType: 'revshare', payout: 60 }],
    }));
    const [first, second] = w.publishers;
    expect(
      (await postback({ token: w.token, click_id: await w.clickFor(first), revenue: '6' })).conversion,
    ).toMatchObject({ payout: 3.6, revenue: 6 });
    expect(
      (await postback({ token: w.token, click_id: await w.clickFor(second), revenue: '6' })).conversion,
    ).toMatchObject({ payout: 2, revenue: 6 });
  });

  describe('offer API', () => {
    it('stores, shows and replaces payout terms and publisher payouts', async () => {
      const w = await world(([first]) => ({
        payoutType: 'revshare',
        payout: 50,
        publisherPayouts: [{ publisherId: first, payout: 3 }],
      }));
      const read = await admin('GET', `/offers/${w.offerId}`);
      expect(read.body).toMatchObject({
        payoutType: 'revshare',
        payout: 50,
        publisherPayouts: [{ publisherId: w.publishers[0], payoutType: 'fixed', payout: 3 }],
      });
      const patched = await admin('PATCH', `/offers/${w.offerId}`, {
        payoutType: 'fixed',
        payout: 150,
        publisherPayouts: [],
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ payoutType: 'fixed', payout: 150, publisherPayouts: [] });
    });

    it('refuses shares above 100 %, repeated or unknown publishers, and unknown fields', async () => {
      const w = await world(() => ({}));
      const cases: [Record<string, unknown>, string][] = [
        [{ payoutType: 'revshare' }, 'a revshare payout is a percent'],
        [{ payoutType: 'bonus' }, 'payoutType'],
        [{ goals: [{ key: 'x', name: 'X', payoutType: 'revshare', payout: 101 }] }, 'goals.0.payout'],
        [
          {
            publisherPayouts: [
              { publisherId: w.publishers[0], payout: 1 },
              { publisherId: w.publishers[0], payout: 2 },
            ],
          },
          'is repeated',
        ],
        [{ publisherPayouts: [{ publisherId: 2_000_000_000, payout: 1 }] }, 'no publisher 2000000000'],
        [{ publisherPayouts: [{ publisherId: w.publishers[0], payout: 1, margin: 2 }] }, 'margin'],
      ];
      await admin('PATCH', `/offers/${w.offerId}`, { payout: 150 });
      for (const [body, message] of cases) {
        const reply = await admin('PATCH', `/offers/${w.offerId}`, body);
        expect(reply.status, JSON.stringify(body)).toBe(400);
        expect(reply.body.error.code).toBe('validation_failed');
        expect(reply.body.error.message).toContain(message);
      }
      expect((await admin('GET', `/offers/${w.offerId}`)).body).toMatchObject({
        payoutType: 'fixed',
        payout: 150,
        publisherPayouts: [],
      });
    });
  });
});
