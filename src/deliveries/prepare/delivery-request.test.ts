import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createCatalog } from '../../../test/support/fixtures.ts';
import {
  type ConversionFacts,
  insertTestClick,
  insertTestConversion,
  insertTestEvent,
  insertTestPostback,
} from '../../../test/support/postback-rows.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import type { Status } from '../../conversions/conversion.table.ts';
import type { NewPostbackRow } from '../../postbacks/postback.table.ts';
import type { ClickRow } from '../../tracking/clicks/click.table.ts';
import { enqueueDeliveriesForEvent } from '../outbox/enqueue-deliveries.ts';
import { canonicalizeSignedUrl, signUrl } from '../transport/signing.ts';
import { formatAmount } from './amount-format.ts';
import { isFullContext, loadWorkContextsOf } from './delivery-context.repository.ts';
import {
  buildOutboundRequest,
  type ConversionDeliveryContext,
  loadDeliveryContexts,
} from './delivery-request.ts';

const UA = 'Trackwire/test';

describe('formatAmount', () => {
  it('writes at least two decimals and no floating-point noise', () => {
    expect(formatAmount(0.5)).toBe('0.50');
    expect(formatAmount(3)).toBe('3.00');
    expect(formatAmount(0.1 + 0.2)).toBe('0.30');
    expect(formatAmount(1.005)).toBe('1.005');
    expect(formatAmount(0.0001)).toBe('0.0001');
    expect(formatAmount(-2.5)).toBe('-2.50');
    expect(formatAmount(0)).toBe('0.00');
    expect(formatAmount(null)).toBe('');
  });
});

describeEachStore('delivery requests', (current) => {
  const db = () => current().store.db;

  /** One postback, one click, one conversion event, its delivery, and the loaded context. */
  async function contextFor(
    postback: Partial<NewPostbackRow>,
    click: Partial<ClickRow> = {},
    facts: ConversionFacts = {},
    publisher: { security_token?: string } = {},
  ): Promise<ConversionDeliveryContext> {
    const catalog = await createCatalog(db(), {
      offer: { name: 'Summer App' },
      goals: [{ key: 'install' }],
      publisher,
    });
    const ids = {
      advertiserId: catalog.advertiser.id,
      offerId: catalog.offer.id,
      publisherId: catalog.publisher.id,
      linkId: catalog.link.id,
    };
    await insertTestPostback(db(), ids.publisherId, postback);
    const clickRow = await insertTestClick(db(), ids, click);
    const { conversion, event } = await insertTestConversion(db(), clickRow, facts);
    await db()
      .transaction()
      .execute((trx) => enqueueDeliveriesForEvent(trx, conversion, event, event.created_at));
    const delivery = await db()
      .selectFrom('deliveries')
      .select('id')
      .where('conversion_event_id', '=', event.id)
      .executeTakeFirstOrThrow();
    const contexts = await loadDeliveryContexts(db(), [delivery.id]);
    const context = contexts.get(delivery.id);
    if (!context?.conversion) throw new Error('context not loaded');
    return context;
  }

  it('renders the MaxPPI example byte for byte', async () => {
    const context = await contextFor(
      { url: 'https://yourdomain.com/postback?click_id={external_id}&payout={payout}&country={country}' },
      { external_id: 'YOUR_CLICK_ID_789', country: 'US' },
      { payout: 0.5 },
    );
    const { request, warnings } = buildOutboundRequest(context, Date.now(), UA);
    expect(request.url).toBe(
      'https://yourdomain.com/postback?click_id=YOUR_CLICK_ID_789&payout=0.50&country=US',
    );
    expect(request.method).toBe('GET');
    expect(request.body).toBeUndefined();
    expect(request.headers).toEqual({ 'user-agent': UA });
    expect(warnings).toEqual([]);
  });

  it("renders CIPIAI's double-brace example with goal_status as the goal key", async () => {
    const context = await contextFor(
      {
        url: 'https://yourtracker.com/postback?click_id={{click_id}}&payout={{payout}}&goal_status={{goal_status}}',
      },
      {},
      { goal: 'install', payout: 3.5 },
    );
    const { request } = buildOutboundRequest(context, Date.now(), UA);
    expect(request.url).toBe(
      `https://yourtracker.com/postback?click_id=${context.click?.id}&payout=3.50&goal_status=install`,
    );
  });

  it('renders the Inflektion example, URL-encoding the sub id', async () => {
    const context = await contextFor(
      { url: 'https://yourserver.com/postback?click_id={sub1}&payout={payout_amount}&txn={conversion_id}' },
      { sub1: 'gclid Cj0/KCQ&x=1' },
      { payout: 1.2 },
    );
    const { request } = buildOutboundRequest(context, Date.now(), UA);
    expect(request.url).toBe(
      `https://yourserver.com/postback?click_id=gclid%20Cj0%2FKCQ%26x%3D1&payout=1.20&txn=${context.conversion.id}`,
    );
  });

  it('fills conversion, event, offer and publisher values; postback_id is stable, random is not', async () => {
    const context = await contextFor(
      {
        url: 'https://r.example/p?s={status}&raw={status_raw}&rev={revenue}&sale={sale_amount}&cur={currency}&txn={txn_id}&goal={goal}&gid={goal_id}&offer={offer_name}&ts={timestamp}&dt={datetime}&pb={postback_id}&r={random}',
        // The network's own tracker: the only receiver that may be sent revenue and sale amount.
        audience: 'network',
      },
      {},
      {
        goal: 'install',
        revenue: 2,
        saleAmount: 49.99,
        txnId: 'ORD 1',
        statusRaw: 'sale',
        at: 1_718_000_000_000,
      },
    );
    const first = new URL(buildOutboundRequest(context, Date.now(), UA).request.url).searchParams;
    const second = new URL(buildOutboundRequest(context, Date.now(), UA).request.url).searchParams;
    expect(Object.fromEntries([...first].filter(([k]) => k !== 'r'))).toEqual({
      s: 'approved',
      raw: 'sale',
      rev: '2.00',
      sale: '49.99',
      cur: 'USD',
      txn: 'ORD 1',
      goal: 'install',
      gid: String(context.goalId),
      offer: 'Summer App',
      ts: '1718000000',
      dt: '2024-06-10 06:13:20',
      pb: context.delivery.id,
    });
    expect(context.goalId).toBeGreaterThan(0);
    expect(second.get('pb')).toBe(first.get('pb'));
    expect(first.get('r')).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.get('r')).not.toBe(first.get('r'));
  });

  it("never sends a publisher's receiver the network's money, even from a template saved before the rule", async () => {
    const template = 'p={payout}&rev={revenue}&sale={sale_amount}&adv={advertiser_id}&o={order_sum}';
    const context = await contextFor(
      {
        url: `https://r.example/p?${template}`,
        method: 'POST',
        body_format: 'json',
        body_template: '{"rev":"{revenue}","p":"{payout}"}',
        headers: JSON.stringify({ 'x-rev': '{revenue}' }),
      },
      {},
      { payout: 1.5, revenue: 7779.5, saleAmount: 49.99 },
    );
    const { request } = buildOutboundRequest(context, Date.now(), UA);
    expect(request.url).toBe('https://r.example/p?p=1.50&rev=&sale=&adv=&o=');
    expect(JSON.parse(request.body ?? '')).toEqual({ rev: '', p: '1.50' });
    expect(request.headers['x-rev']).toBe('');
  });

  it("sends the EVENT's status, so a reversal says reversed even after the conversion moved on", async () => {
    const context = await contextFor({ url: 'https://r.example/p?s={status}&payout={payout}' });
    const reversal = await insertTestEvent(
      db(),
      context.conversion,
      'approved',
      'reversed',
      Date.now(),
      -0.5,
    );
    const { request } = buildOutboundRequest({ ...context, event: reversal }, Date.now(), UA);
    expect(request.url).toBe('https://r.example/p?s=reversed&payout=-0.50');
  });

  it('POSTs a JSON body that verifies with the standardwebhooks package', async () => {
    const context = await contextFor(
      {
        url: 'https://r.example/hook',
        method: 'POST',
        body_format: 'json',
        body_template: '{"click":"{external_id}","payout":{payout},"note":"{sub2}"}',
        headers: JSON.stringify({ Authorization: 'Bearer {security_token}' }),
      },
      { external_id: 'ab"c', sub2: 'line\nbreak' },
      {},
      { security_token: 'tok 1' },
    );
    const now = Date.now();
    const { request } = buildOutboundRequest(context, now, UA);
    expect(request.body).toBe('{"click":"ab\\"c","payout":0.50,"note":"line\\nbreak"}');
    expect(JSON.parse(request.body ?? '')).toEqual({ click: 'ab"c', payout: 0.5, note: 'line\nbreak' });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers.Authorization).toBe('Bearer tok 1');
    expect(request.headers['webhook-id']).toBe(context.delivery.id);
    expect(request.headers['webhook-timestamp']).toBe(String(Math.floor(now / 1000)));
    const verified = new Webhook(context.publisher.signing_secret).verify(
      request.body ?? '',
      request.headers,
    );
    expect(verified).toEqual({ click: 'ab"c', payout: 0.5, note: 'line\nbreak' });
    expect(() =>
      new Webhook(context.publisher.signing_secret).verify(`${request.body} `, request.headers),
    ).toThrow();
  });

  it('POSTs a form body form-encoded, and signs it too', async () => {
    const context = await contextFor(
      {
        url: 'https://r.example/form',
        method: 'POST',
        body_format: 'form',
        body_template: 'cid={sub1}&amount={payout}&status={status}',
        timeout_ms: 7000,
      },
      { sub1: 'a b&c=d' },
    );
    const { request } = buildOutboundRequest(context, Date.now(), UA);
    expect(request.body).toBe('cid=a+b%26c%3Dd&amount=0.50&status=approved');
    expect(new URLSearchParams(request.body).get('cid')).toBe('a b&c=d');
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.timeoutMs).toBe(7000);
    const webhook = new Webhook(context.publisher.signing_secret);
    // verify() throws unless a signature matches; jsonParse: false because the body is not JSON.
    expect(() => webhook.verify(request.body ?? '', request.headers, { jsonParse: false })).not.toThrow();
    expect(() => webhook.verify('cid=forged', request.headers, { jsonParse: false })).toThrow();
  });

  it('signs GET URLs through {signature} and redacts the token and signature', async () => {
    const context = await contextFor(
      { url: 'https://r.example/p?cid={click_id}&token={security_token}&sig={signature}' },
      {},
      {},
      { security_token: 'sekret' },
    );
    const { request, recorded } = buildOutboundRequest(context, Date.now(), UA);
    const redactedUrl = recorded.url;
    const sig = new URL(request.url).searchParams.get('sig');
    expect(sig).toMatch(/^[0-9a-f]{64}$/);
    const canonical = canonicalizeSignedUrl(request.url, 'sig');
    expect(signUrl(canonical, context.publisher.signing_secret)).toBe(sig);
    expect(redactedUrl).toBe(`https://r.example/p?cid=${context.click?.id}&token=REDACTED&sig=REDACTED`);
    expect(redactedUrl).not.toContain('sekret');
  });

  it('warns about macros that rendered empty', async () => {
    const context = await contextFor({ url: 'https://r.example/p?cid={external_id}&s={sub3}&p={payout}' });
    const { request, warnings } = buildOutboundRequest(context, Date.now(), UA);
    expect(request.url).toBe('https://r.example/p?cid=&s=&p=0.50');
    expect(warnings).toEqual(['{external_id} rendered empty', '{sub3} rendered empty']);
  });

  it('loads a batch of contexts at once and leaves out deliveries it cannot render', async () => {
    const a = await contextFor({ url: 'https://a.example/{click_id}' });
    const b = await contextFor({ url: 'https://b.example/{click_id}' });
    await db().deleteFrom('postbacks').where('id', '=', b.postback.id).execute();
    const loaded = await loadDeliveryContexts(db(), [
      a.delivery.id,
      b.delivery.id,
      'dlv_missing',
      a.delivery.id,
    ]);
    expect([...loaded.keys()]).toEqual([a.delivery.id]);
    expect(loaded.get(a.delivery.id)?.offer?.name).toBe('Summer App');
    expect(loaded.get(a.delivery.id)?.event?.to_status).toBe('approved' satisfies Status);
  });

  it("gives a platform postback's deliveries the platform facts alone, the others their full context", async () => {
    const full = await contextFor({ url: 'https://a.example/{click_id}' });
    const narrow = await contextFor({ url: 'https://b.example/{click_id}' }, { fbclid: 'IwAR-1' });
    const rows = [full.delivery, narrow.delivery];
    const isPlatform = (postback: { id: number }) => postback.id === narrow.postback.id;

    const loaded = await loadWorkContextsOf(db(), rows, isPlatform);
    const fullLoaded = loaded.get(full.delivery.id);
    const narrowLoaded = loaded.get(narrow.delivery.id);
    expect(fullLoaded && isFullContext(fullLoaded)).toBe(true);
    expect(narrowLoaded && isFullContext(narrowLoaded)).toBe(false);
    expect(narrowLoaded?.conversion).toEqual({
      id: narrow.conversion.id,
      goal: narrow.conversion.goal,
      revenue: narrow.conversion.revenue,
      sale_amount: narrow.conversion.sale_amount,
      currency: narrow.conversion.currency,
    });
    expect(narrowLoaded?.event).toEqual({
      payout: narrow.event.payout,
      to_status: narrow.event.to_status,
      created_at: narrow.event.created_at,
    });
    expect(narrowLoaded?.offer).toEqual({ url: narrow.offer.url });
    expect(narrowLoaded?.click?.fbclid).toBe('IwAR-1');
    expect(narrowLoaded?.click?.created_at).toBe(narrow.click?.created_at);

    // A click removed by retention leaves the facts without one; a deleted conversion leaves no context.
    await db().deleteFrom('clicks').where('id', '=', narrow.conversion.click_id).execute();
    const withoutClick = await loadWorkContextsOf(db(), rows, isPlatform);
    expect(withoutClick.get(narrow.delivery.id)?.click).toBeUndefined();
    await db().deleteFrom('conversion_events').where('id', '=', narrow.event.id).execute();
    const gone = await loadWorkContextsOf(db(), rows, isPlatform);
    expect([...gone.keys()]).toEqual([full.delivery.id]);
  });
});
