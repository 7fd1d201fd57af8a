// The whole loop as users drive it, over real HTTP only: set up through the admin API, click the
// tracking link, report the conversion as the advertiser, and watch the publisher's server receive
// one postback per status change, rendered from its template.

import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BREAKER_NEVER_OPENS } from '../../src/deliveries/transport/circuit-breaker.ts';
import { type DeliveryWorker, startDeliveryWorker } from '../../src/deliveries/worker/delivery-worker.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/app.ts';
import { describeEachStore } from '../support/stores.ts';

interface Hit {
  query: URLSearchParams;
}

describeEachStore('main loop over HTTP', (current) => {
  let app: TestApp;
  let worker: DeliveryWorker;
  let receiver: Server;
  let receiverUrl: string;
  const hits: Hit[] = [];

  async function api<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    key = TEST_ADMIN_KEY,
  ) {
    const res = await fetch(`${app.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json()) as T;
    if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      hits.push({ query: new URL(req.url ?? '/', 'http://x').searchParams });
      res.end('ok');
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
    app = await startTestApp(current().store, { retrySchedule: [10, 20], workerPollMs: 50 });
    worker = startDeliveryWorker(app.ctx, { breaker: BREAKER_NEVER_OPENS });
  });

  afterAll(async () => {
    await worker.stop();
    await app.close();
    await new Promise((r) => receiver.close(r));
  });

  it('click → inbound postbacks → conversion with history → one outbound postback per status', async () => {
    const advertiser = await api<{ id: number; postbackUrl: string }>('POST', '/advertisers', {
      name: 'Acme Ads',
    });
    const offer = await api<{ id: number }>('POST', '/offers', {
      advertiserId: advertiser.id,
      name: 'Acme App',
      url: 'https://acme.example/land?click={click_id}&s1={sub1}&s2={sub2}',
      payout: 2.5,
      revenue: 4,
      currency: 'USD',
      goals: [{ key: 'purchase', name: 'Purchase', payout: 10, revenue: 15 }],
    });
    const publisher = await api<{ id: number }>('POST', '/publishers', { name: 'Media Buyer One' });
    const link = await api<{ url: string }>('POST', '/links', {
      offerId: offer.id,
      publisherId: publisher.id,
      subs: { sub1: 'instagram' },
    });
    // MaxPPI's documented format, plus the status and the retry-stable id.
    await api('POST', '/postbacks', {
      publisherId: publisher.id,
      scope: 'global',
      url: `${receiverUrl}/postback?click_id={external_id}&payout={payout}&country={country}&status={status}&id={postback_id}`,
      method: 'GET',
    });

    // The visitor clicks; the publisher passes its own click id as cid.
    const click = await fetch(`${link.url.replace(/^https?:\/\/[^/]+/, app.url)}?cid=PUB-777&sub2=story`, {
      redirect: 'manual',
    });
    expect(click.status).toBe(302);
    const location = new URL(click.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe('https://acme.example/land');
    expect(location.searchParams.get('s1')).toBe('instagram');
    expect(location.searchParams.get('s2')).toBe('story');
    const clickId = location.searchParams.get('click') ?? '';
    expect(clickId).toMatch(/^[A-Za-z0-9_-]{24}$/);

    // The advertiser reports it pending, then approved, then repeats itself.
    const inbound = new URL(advertiser.postbackUrl.split('?')[0].replace(/^https?:\/\/[^/]+/, app.url));
    const report = async (status: string) => {
      const res = await fetch(`${inbound}?click_id=${clickId}&txn_id=ORDER-1&payout=2.50&status=${status}`);
      return { status: res.status, body: (await res.json()) as { result: string; conversionId?: string } };
    };
    const pending = await report('hold');
    expect(pending).toMatchObject({ status: 200, body: { result: 'accepted' } });
    expect((await report('approve')).body.result).toBe('accepted');
    expect((await report('approve')).body.result).toBe('duplicate');
    const conversionId = pending.body.conversionId ?? '';

    const conversion = await api<{
      status: string;
      history: Array<{ fromStatus: string | null; toStatus: string }>;
    }>('GET', `/conversions/${conversionId}`);
    expect(conversion.status).toBe('approved');
    expect(conversion.history.map((e) => [e.fromStatus, e.toStatus])).toEqual([
      [null, 'pending'],
      ['pending', 'approved'],
    ]);

    await worker.drained();
    const received = hits.map((h) => [h.query.get('click_id'), h.query.get('payout'), h.query.get('status')]);
    expect(received.sort()).toEqual([
      ['PUB-777', '2.50', 'approved'],
      ['PUB-777', '2.50', 'pending'],
    ]);
    expect(new Set(hits.map((h) => h.query.get('id'))).size).toBe(2);

    const deliveries = await api<{ data: Array<{ status: string }> }>(
      'GET',
      `/deliveries?conversionId=${conversionId}`,
    );
    expect(deliveries.data.map((d) => d.status)).toEqual(['succeeded', 'succeeded']);

    // The publisher sees its conversion, without the advertiser's revenue.
    const key = await api<{ key: string }>('POST', '/keys', { role: 'publisher', publisherId: publisher.id });
    const mine = await api<{ data: Array<Record<string, unknown>> }>(
      'GET',
      '/conversions',
      undefined,
      key.key,
    );
    expect(mine.data).toHaveLength(1);
    expect(mine.data[0]).not.toHaveProperty('revenue');
  });
});
