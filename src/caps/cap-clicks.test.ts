// Caps on the click path end to end over HTTP on both stores, with two API nodes on one store: a cap
// reached by postbacks sends the next clicks to its fallback URL (at once on the node that took the
// conversion, after a refresh on the other), SmartLinks skip the capped offer, and after midnight in
// the operator's time zone clicks go to the offer again without a conversion or a refresh.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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

const FALLBACK = 'https://fallback.test/?c={click_id}&s1={sub1}';

describeEachStore('caps on the click path', (current) => {
  // 23:30 in Berlin on 1 March (22:30 UTC).
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 22, 30));
  let a: TestApp;
  let b: TestApp;
  let admin: Call;
  let n = 0;
  const db = () => current().store.db;
  beforeAll(async () => {
    a = await startTestApp(current().store, { timeZone: 'Europe/Berlin' }, clock);
    b = await startTestApp(current().store, { timeZone: 'Europe/Berlin' }, clock);
    admin = apiClient(a.url, TEST_ADMIN_KEY);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  /** Where a click on the slug through `node` is sent. */
  async function visit(node: TestApp, slug: string): Promise<URL> {
    const res = await fetch(`${node.url}/c/${slug}?sub1=s${++n}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location') ?? '');
  }
  const hostOf = async (node: TestApp, slug: string) => (await visit(node, slug)).host;
  const slugOf = async (linkId: number) =>
    (await db().selectFrom('links').select('slug').where('id', '=', linkId).executeTakeFirstOrThrow()).slug;
  const convert = async (c: InboundCatalog, clickId?: string) =>
    (
      await send(
        `${a.url}/postback?${query({ token: c.token, click_id: clickId ?? (await c.click(clock.now() - 1000)), txn_id: `t${++n}` })}`,
      )
    ).body.code;

  describe('a single-offer link', () => {
    it('sends clicks over a reached daily cap to its fallback URL until midnight in the operator’s zone', async () => {
      const c = await createInboundCatalog(db(), clock.now());
      const slug = await slugOf(c.linkId);
      const cap = await admin('POST', `/offers/${c.offerId}/caps`, {
        period: 'day',
        metric: 'conversions',
        limit: 2,
        overAction: 'reject',
        clickAction: 'fallback',
        fallbackUrl: FALLBACK,
      });
      expect(cap.status).toBe(201);
      expect(cap.body).toMatchObject({ clickAction: 'fallback', fallbackUrl: FALLBACK, reached: false });
      expect(await hostOf(a, slug)).toBe('advertiser.example');
      expect(await convert(c)).toBe('conversion_created');
      expect(await hostOf(a, slug)).toBe('advertiser.example');
      expect(await convert(c)).toBe('conversion_created');

      // The node that took the conversion knows at once; the click is still recorded under the offer.
      const over = await visit(a, slug);
      expect(over.host).toBe('fallback.test');
      expect(over.searchParams.get('s1')).toBe(`s${n}`);
      const clickId = over.searchParams.get('c') ?? '';
      const click = await vi.waitFor(async () =>
        db().selectFrom('clicks').selectAll().where('id', '=', clickId).executeTakeFirstOrThrow(),
      );
      expect(click).toMatchObject({ offer_id: c.offerId, link_id: c.linkId });
      // The other node after its next refresh (every few seconds; asked for here).
      await b.ctx.reachedCaps?.refresh();
      expect(await hostOf(b, slug)).toBe('fallback.test');
      expect((await admin('GET', `/offers/${c.offerId}/caps`)).body.data[0]).toMatchObject({
        used: 2,
        reached: true,
      });
      expect((await admin('GET', '/caps/reached')).body.data).toContainEqual({
        capId: cap.body.id,
        offerId: c.offerId,
        publisherId: null,
        period: 'day',
        clickAction: 'fallback',
      });

      // 00:30 on 2 March in Berlin: a new day on both nodes, with no conversion and no refresh.
      clock.advance(60 * 60_000);
      expect(await hostOf(a, slug)).toBe('advertiser.example');
      expect(await hostOf(b, slug)).toBe('advertiser.example');
      expect(await convert(c)).toBe('conversion_created');
    });

    it('keeps sending clicks to the offer by default; switching the cap to a fallback moves them', async () => {
      const c = await createInboundCatalog(db(), clock.now());
      const slug = await slugOf(c.linkId);
      const cap = (
        await admin('POST', `/offers/${c.offerId}/caps`, {
          period: 'total',
          metric: 'conversions',
          limit: 1,
          overAction: 'hold',
        })
      ).body;
      expect(cap).toMatchObject({ clickAction: 'offer', fallbackUrl: null });
      expect(await convert(c)).toBe('conversion_created');
      expect(await hostOf(a, slug)).toBe('advertiser.example');
      const patched = await admin('PATCH', `/offers/${c.offerId}/caps/${cap.id}`, {
        clickAction: 'fallback',
        fallbackUrl: FALLBACK,
      });
      expect(patched.body).toMatchObject({ clickAction: 'fallback', reached: true, limit: 1 });
      // The edit refreshes this node's state (catalog.changed); wait for that read to land.
      await a.ctx.reachedCaps?.refresh();
      expect(await hostOf(a, slug)).toBe('fallback.test');
      // Raising the limit opens the offer again.
      await admin('PATCH', `/offers/${c.offerId}/caps/${cap.id}`, { limit: 5 });
      await a.ctx.reachedCaps?.refresh();
      expect(await hostOf(a, slug)).toBe('advertiser.example');
    });

    it('moves only the capped publisher’s clicks', async () => {
      const c = await createInboundCatalog(db(), clock.now());
      const other = await createInboundCatalog(db(), clock.now());
      await admin('POST', `/offers/${c.offerId}/caps`, {
        publisherId: c.publisherId,
        period: 'month',
        metric: 'conversions',
        limit: 1,
        overAction: 'reject',
        clickAction: 'fallback',
        fallbackUrl: FALLBACK,
      });
      const link = await admin('POST', '/links', { offerId: c.offerId, publisherId: other.publisherId });
      expect(await convert(c)).toBe('conversion_created');
      expect(await hostOf(a, await slugOf(c.linkId))).toBe('fallback.test');
      expect(await hostOf(a, link.body.slug)).toBe('advertiser.example');
    });

    it.each([
      [{ clickAction: 'fallback' }, 400, 'validation_failed', 'fallbackUrl'],
      [{ clickAction: 'fallback', fallbackUrl: 'ftp://x.test/' }, 400, 'validation_failed', 'fallbackUrl'],
      [
        { clickAction: 'fallback', fallbackUrl: 'https://x.test/?c={clik_id}' },
        422,
        'unknown_macro',
        'click_id',
      ],
      [{ clickAction: 'elsewhere', fallbackUrl: FALLBACK }, 400, 'validation_failed', 'clickAction'],
      [{ fallbackUrl: 'https://{sub1}.test/' }, 422, 'macro_in_host', 'fallbackUrl'],
    ])('refuses %j with %i %s naming %s', async (fields, status, code, names) => {
      const c = await createInboundCatalog(db(), clock.now());
      const res = await admin('POST', `/offers/${c.offerId}/caps`, {
        period: 'day',
        metric: 'conversions',
        limit: 1,
        overAction: 'reject',
        ...fields,
      });
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message).toContain(names);
    });
  });

  it('skips a capped offer in a SmartLink for the next rule, then the fallback; back after midnight', async () => {
    const c = await createInboundCatalog(db(), clock.now());
    const second = (
      await admin('POST', '/offers', {
        advertiserId: c.advertiserId,
        name: 'Second',
        url: 'https://second.test/?c={click_id}',
      })
    ).body.id;
    const smart = await admin('POST', '/smartlinks', {
      name: 'Capped',
      fallbackUrl: 'https://smart-fallback.test/?c={click_id}',
      rules: [{ offers: [{ offerId: c.offerId }] }, { offers: [{ offerId: second }] }],
    });
    const slug = (await admin('POST', '/links', { smartlinkId: smart.body.id, publisherId: c.publisherId }))
      .body.slug;
    // A cap that keeps single-offer clicks on the offer still takes the offer out of SmartLinks.
    for (const offerId of [c.offerId, second]) {
      await admin('POST', `/offers/${offerId}/caps`, {
        period: 'day',
        metric: 'conversions',
        limit: 1,
        overAction: 'reject',
      });
    }
    const first = await visit(a, slug);
    expect(first.host).toBe('advertiser.example');
    expect(await convert(c, first.searchParams.get('click_id') ?? '')).toBe('conversion_created');
    const next = await visit(a, slug);
    expect(next.host).toBe('second.test');
    expect(await convert(c, next.searchParams.get('c') ?? '')).toBe('conversion_created');
    expect(await hostOf(a, slug)).toBe('smart-fallback.test');
    await b.ctx.reachedCaps?.refresh();
    expect(await hostOf(b, slug)).toBe('smart-fallback.test');
    // The tester answers from the same state.
    const tested = await admin('POST', `/smartlinks/${smart.body.id}/test`, { publisherId: c.publisherId });
    expect(tested.body).toMatchObject({ result: 'fallback', offerId: null });

    // The next day in Berlin (the clock may already be past the first test's midnight).
    clock.advance(24 * 60 * 60_000);
    expect(await hostOf(a, slug)).toBe('advertiser.example');
    expect(await hostOf(b, slug)).toBe('advertiser.example');
  });
});
