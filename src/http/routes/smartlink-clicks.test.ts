// SmartLink clicks end to end over HTTP: the tracking link routes each visitor by the rules, records
// the chosen offer and rule on the click, and answers with that offer's URL (or the fallback).
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { apiClient, type Call, makeKey } from '../../../test/support/api-client.ts';
import { TEST_ADMIN_KEY, testConfig } from '../../../test/support/app.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import type { Store } from '../../db/store.ts';
import { createContext } from '../../server/context.ts';
import type { OfferAvailability } from '../../smartlinks/offer-availability.ts';
import { loadCountryDatabase } from '../../tracking/capture/geo-country.ts';
import { buildApp } from '../app.ts';

const UA = {
  iphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.0 Mobile/15E148 Safari/604.1',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.0 Mobile/15E148 Safari/604.1',
  firefox: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0',
  chrome:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
};
const IP = { de: '46.4.0.1', us: '8.8.8.8' };

/** The app with a chosen offer availability check (what caps plug in), behind a trusted proxy. */
async function startApp(store: Store, offerAvailability?: OfferAvailability) {
  const config = testConfig({ trustedProxies: ['127.0.0.0/8'] });
  const ctx = { ...createContext(config, store, pino({ level: 'silent' })), offerAvailability };
  const app: FastifyInstance = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` };
}

describeEachStore('SmartLink clicks over HTTP', (current) => {
  let url: string;
  let app: FastifyInstance;
  let admin: Call;
  const capped = new Set<number>();
  const offer: Record<string, number> = {};
  let advertiserId: number;
  let publisherId: number;
  let smartlinkId: number;
  let slug: string;
  let linkId: number;
  const db = () => current().store.db;

  const visit = (path: string, headers: Record<string, string>) =>
    fetch(`${url}${path}`, { redirect: 'manual', headers: { 'user-agent': UA.chrome, ...headers } });
  async function clickOf(location: string | null) {
    const id = new URL(location ?? '').searchParams.get('c') ?? '';
    return vi.waitFor(
      async () => {
        const row = await findClick(id);
        if (!row) throw new Error(`click ${id} not stored yet`);
        return row;
      },
      { timeout: 5_000 },
    );
  }
  const findClick = (id: string) =>
    db().selectFrom('clicks').selectAll().where('id', '=', id).executeTakeFirst();

  beforeAll(async () => {
    await loadCountryDatabase();
    ({ app, url } = await startApp(current().store, (offerId) => !capped.has(offerId)));
    admin = apiClient(url, TEST_ADMIN_KEY);
    advertiserId = (await admin('POST', '/advertisers', { name: 'A' })).body.id;
    for (const name of ['de', 'tablet', 'ios', 'firefox', 'french', 'a', 'b', 'c']) {
      offer[name] = (
        await admin('POST', '/offers', {
          advertiserId,
          name,
          url: `https://${name}.offer.test/?c={click_id}&sl={smartlink_id}&o={offer_id}`,
        })
      ).body.id;
    }
    publisherId = (await admin('POST', '/publishers', { name: 'P' })).body.id;
    const smart = await admin('POST', '/smartlinks', {
      name: 'Routing',
      fallbackUrl: 'https://fallback.test/?c={click_id}&sl={smartlink_id}&s1={sub1}',
      rules: [
        { name: 'Germany', match: { countries: ['DE'] }, offers: [{ offerId: offer.de }] },
        { name: 'Tablets', match: { devices: ['tablet'] }, offers: [{ offerId: offer.tablet }] },
        { name: 'iOS', match: { os: ['iOS'] }, offers: [{ offerId: offer.ios }] },
        { name: 'Firefox', match: { browsers: ['Firefox'] }, offers: [{ offerId: offer.firefox }] },
        { name: 'French', match: { languages: ['fr'] }, offers: [{ offerId: offer.french }] },
      ],
    });
    expect(smart.status).toBe(201);
    smartlinkId = smart.body.id;
    const link = (await admin('POST', '/links', { smartlinkId, publisherId })).body;
    slug = link.slug;
    linkId = link.id;
  });
  afterAll(() => app.close());

  it.each([
    ['country', { 'x-forwarded-for': IP.de, 'user-agent': UA.iphone }, 'de', 'Germany'],
    [
      'device (before a later OS rule)',
      { 'x-forwarded-for': IP.us, 'user-agent': UA.ipad },
      'tablet',
      'Tablets',
    ],
    ['OS', { 'x-forwarded-for': IP.us, 'user-agent': UA.iphone }, 'ios', 'iOS'],
    ['browser', { 'x-forwarded-for': IP.us, 'user-agent': UA.firefox }, 'firefox', 'Firefox'],
    [
      'language',
      { 'x-forwarded-for': IP.us, 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.5' },
      'french',
      'French',
    ],
  ])('routes by %s and records the offer and rule on the click', async (_kind, headers, name, ruleName) => {
    const res = await visit(`/c/${slug}?sub1=x`, headers);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.host).toBe(`${name}.offer.test`);
    expect(location.searchParams.get('sl')).toBe(String(smartlinkId));
    expect(location.searchParams.get('o')).toBe(String(offer[name]));
    const click = await clickOf(location.href);
    const rules = (await admin('GET', `/smartlinks/${smartlinkId}`)).body.rules;
    expect(click).toMatchObject({
      link_id: linkId,
      offer_id: offer[name],
      advertiser_id: advertiserId,
      smartlink_id: smartlinkId,
      smartlink_rule: rules.find((r: { name: string }) => r.name === ruleName).id,
    });
  });

  it('sends a visitor no rule fits to the fallback URL, counted under the link’s offer with rule 0', async () => {
    const res = await visit(`/c/${slug}?sub1=nofit`, {
      'x-forwarded-for': IP.us,
      'accept-language': 'en-US',
    });
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.host).toBe('fallback.test');
    expect(location.searchParams.get('s1')).toBe('nofit');
    expect(location.searchParams.get('sl')).toBe(String(smartlinkId));
    const click = await clickOf(location.href);
    expect(click).toMatchObject({ offer_id: offer.de, smartlink_id: smartlinkId, smartlink_rule: 0 });
  });

  it('skips an offer over its cap, and a paused offer as soon as it is paused', async () => {
    const iphone = { 'x-forwarded-for': IP.us, 'user-agent': UA.iphone };
    capped.add(offer.ios);
    try {
      const over = await visit(`/c/${slug}`, iphone);
      expect(new URL(over.headers.get('location') ?? '').host).toBe('fallback.test');
    } finally {
      capped.delete(offer.ios);
    }
    expect(new URL((await visit(`/c/${slug}`, iphone)).headers.get('location') ?? '').host).toBe(
      'ios.offer.test',
    );
    const current = (await admin('GET', `/smartlinks/${smartlinkId}`)).body;
    const paused = current.rules.map((r: { name: string; offers: object[] }) =>
      r.name === 'iOS' ? { ...r, offers: [{ offerId: offer.ios, weight: 1, paused: true }] } : r,
    );
    expect((await admin('PATCH', `/smartlinks/${smartlinkId}`, { rules: paused })).status).toBe(200);
    // No wait for the cache to expire: the change dropped the compiled copy.
    expect(new URL((await visit(`/c/${slug}`, iphone)).headers.get('location') ?? '').host).toBe(
      'fallback.test',
    );
    await admin('PATCH', `/smartlinks/${smartlinkId}`, { rules: current.rules });
  });

  it('splits traffic by weight: each offer within 2 % of its share over 10 000 clicks', async () => {
    const split = (
      await admin('POST', '/smartlinks', {
        name: 'A/B/C',
        fallbackUrl: 'https://fallback.test/',
        rules: [
          {
            offers: [
              { offerId: offer.a, weight: 5 },
              { offerId: offer.b, weight: 3 },
              { offerId: offer.c, weight: 2 },
            ],
          },
        ],
      })
    ).body;
    const link = (await admin('POST', '/links', { smartlinkId: split.id, publisherId })).body;
    const total = 10_000;
    let sent = 0;
    const worker = async () => {
      while (sent < total) {
        sent++;
        const res = await fetch(`${url}/c/${link.slug}`, { redirect: 'manual' });
        expect(res.status).toBe(302);
        await res.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    let rows: { offer_id: number; n: number | string }[] = [];
    await vi.waitFor(
      async () => {
        rows = await db()
          .selectFrom('clicks')
          .select(['offer_id', (eb) => eb.fn.countAll<number>().as('n')])
          .where('link_id', '=', link.id)
          .groupBy('offer_id')
          .execute();
        expect(rows.reduce((sum, r) => sum + Number(r.n), 0)).toBe(total);
      },
      { timeout: 20_000, interval: 100 },
    );
    const share = new Map(rows.map((r) => [Number(r.offer_id), Number(r.n) / total]));
    for (const [id, expected] of [
      [offer.a, 0.5],
      [offer.b, 0.3],
      [offer.c, 0.2],
    ]) {
      expect(Math.abs((share.get(id) ?? 0) - expected)).toBeLessThanOrEqual(0.02 * expected);
    }
  }, 120_000);

  it('shows the SmartLink and rule on the click API to the admin and the link’s publisher only', async () => {
    const res = await visit(`/c/${slug}`, { 'x-forwarded-for': IP.de });
    const id = new URL(res.headers.get('location') ?? '').searchParams.get('c') ?? '';
    await clickOf(res.headers.get('location'));
    const rules = (await admin('GET', `/smartlinks/${smartlinkId}`)).body.rules;
    const expected = { id, offerId: offer.de, smartlinkId, smartlinkRule: rules[0].id };
    expect((await admin('GET', `/clicks/${id}`)).body).toMatchObject(expected);
    const own = apiClient(url, await makeKey(current().store, 'publisher', { publisherId }));
    expect((await own('GET', `/clicks/${id}`)).body).toMatchObject(expected);
    const listed = (await own('GET', `/clicks?linkId=${linkId}&limit=500`)).body.data;
    expect(listed.find((c: { id: string }) => c.id === id)).toMatchObject(expected);
    // Filtered by SmartLink: every click of this one, none of the A/B/C split's.
    const bySmartLink = (await admin('GET', `/clicks?smartlinkId=${smartlinkId}&limit=500`)).body.data;
    expect(bySmartLink.map((c: { id: string }) => c.id)).toContain(id);
    expect(bySmartLink.every((c: { smartlinkId: number }) => c.smartlinkId === smartlinkId)).toBe(true);
    expect(bySmartLink.length).toBeGreaterThanOrEqual(8);
    const otherPublisher = (await admin('POST', '/publishers', { name: 'Q' })).body.id;
    const other = apiClient(
      url,
      await makeKey(current().store, 'publisher', { publisherId: otherPublisher }),
    );
    expect((await other('GET', `/clicks/${id}`)).status).toBe(404);
    const advertiser = apiClient(url, await makeKey(current().store, 'advertiser', { advertiserId }));
    expect((await advertiser('GET', `/clicks/${id}`)).status).toBe(403);
  });
});
