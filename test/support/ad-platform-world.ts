// A running Trackwire (API + delivery worker) pointed at the ad-platform fakes, with an offer, a
// publisher and a link ready, and helpers to click with a platform click id and report conversions.
import type { Config } from '../../src/config/config.ts';
import type { Store } from '../../src/db/store.ts';
import { BREAKER_NEVER_OPENS } from '../../src/deliveries/transport/circuit-breaker.ts';
import { type DeliveryWorker, startDeliveryWorker } from '../../src/deliveries/worker/delivery-worker.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from './app.ts';

export const TEST_SECRET_KEY = 'test-secret-key-0123456789abcdef-0123456789';

// biome-ignore lint/suspicious/noExplicitAny: test answers are read loosely
export type Json = any;

export interface AdPlatformWorld {
  app: TestApp;
  worker: DeliveryWorker;
  publisherId: number;
  offerId: number;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }>;
  /** Clicks the link with these query parameters; returns our click id. */
  click(query: Record<string, string>, headers?: Record<string, string>): Promise<string>;
  /** The advertiser reports the click's conversion with this status; returns the conversion id. */
  report(clickId: string, status: string, txn?: string): Promise<string>;
  /** Waits until every delivery of the postback is finished (not pending or in flight) and returns them. */
  settled(postbackId: number, count: number): Promise<Json[]>;
  /** `settled` counting on: waits for `more` deliveries beyond those already waited for. */
  settleMore(postbackId: number, more: number): Promise<Json[]>;
  /** The (first) delivery of a conversion, with its attempts. */
  deliveryOf(conversionId: string): Promise<Json>;
  close(): Promise<void>;
}

export async function startAdPlatformWorld(store: Store, config: Partial<Config>): Promise<AdPlatformWorld> {
  const app = await startTestApp(store, {
    secretKey: TEST_SECRET_KEY,
    retrySchedule: [20, 40, 60],
    workerPollMs: 50,
    trustedProxies: ['127.0.0.1/32'],
    ...config,
  });
  const worker = startDeliveryWorker(app.ctx, {
    breaker: BREAKER_NEVER_OPENS,
    minDelayAfterThrottleMs: 20,
    jitter: 0,
  });
  async function api(method: string, path: string, body?: unknown) {
    const res = await fetch(`${app.url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TEST_ADMIN_KEY}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as Json) };
  }
  const must = async (method: string, path: string, body?: unknown) => {
    const res = await api(method, path, body);
    if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const advertiser = await must('POST', '/advertisers', { name: 'Acme Ads' });
  const offer = await must('POST', '/offers', {
    advertiserId: advertiser.id,
    name: 'Acme Shop',
    url: 'https://shop.example/landing?click={click_id}',
    payout: 12.5,
    revenue: 20,
    currency: 'USD',
    goals: [{ key: 'registration', name: 'Registration', payout: 1, revenue: 2 }],
  });
  const publisher = await must('POST', '/publishers', { name: 'Media Buyer' });
  const link = await must('POST', '/links', { offerId: offer.id, publisherId: publisher.id });
  const inbound = new URL(
    String(advertiser.postbackUrl)
      .split('?')[0]
      .replace(/^https?:\/\/[^/]+/, app.url),
  );
  const waited = new Map<number, number>();
  async function settled(postbackId: number, count: number): Promise<Json[]> {
    for (let i = 0; ; i++) {
      const page = await must('GET', `/deliveries?postbackId=${postbackId}&limit=100`);
      const items = page.data as Json[];
      if (items.length >= count && items.every((d) => !['pending', 'in_flight'].includes(d.status)))
        return items;
      if (i > 400) throw new Error(`deliveries never settled: ${JSON.stringify(items.map((d) => d.status))}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  return {
    app,
    worker,
    publisherId: publisher.id,
    offerId: offer.id,
    api,
    async click(query, headers = {}) {
      const res = await fetch(
        `${String(link.url).replace(/^https?:\/\/[^/]+/, app.url)}?${new URLSearchParams(query)}`,
        {
          redirect: 'manual',
          headers: {
            'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)',
            'x-forwarded-for': '203.0.113.7',
            ...headers,
          },
        },
      );
      if (res.status !== 302) throw new Error(`click answered ${res.status}`);
      return new URL(res.headers.get('location') ?? '').searchParams.get('click') ?? '';
    },
    async report(clickId, status, txn = `T-${clickId}`) {
      const res = await fetch(`${inbound}?click_id=${clickId}&txn_id=${txn}&status=${status}`);
      const body = (await res.json()) as Json;
      if (body.result !== 'accepted') throw new Error(`inbound answered ${JSON.stringify(body)}`);
      return body.conversionId ?? '';
    },
    settled,
    settleMore(postbackId, more) {
      const count = (waited.get(postbackId) ?? 0) + more;
      waited.set(postbackId, count);
      return settled(postbackId, count);
    },
    async deliveryOf(conversionId) {
      const page = await must('GET', `/deliveries?conversionId=${conversionId}`);
      return must('GET', `/deliveries/${page.data[0].id}`);
    },
    async close() {
      await worker.stop();
      await app.close();
    },
  };
}
