import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient } from '../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../test/support/app.ts';
import {
  createInboundCatalog,
  type InboundCatalog,
  query,
  send,
} from '../../test/support/inbound-fixtures.ts';
import { parsePrometheusText, sampleValue } from '../../test/support/prom-text.ts';
import { type Receiver, startReceiver } from '../../test/support/receiver.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { type DeliveryWorker, startDeliveryWorker } from '../deliveries/worker/delivery-worker.ts';
import { type MetricsServer, startMetricsServer } from '../server/metrics-server.ts';

const TOKEN = 'metrics-token-for-tests';

async function scrape(url: string, token: string | null = TOKEN) {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

describeEachStore('GET /metrics and /readyz', (current) => {
  let app: TestApp;
  let catalog: InboundCatalog;
  let receiver: Receiver;
  let worker: DeliveryWorker | undefined;
  let metricsPort: MetricsServer;
  beforeAll(async () => {
    app = await startTestApp(current().store, { metricsToken: TOKEN, workerPollMs: 50 });
    catalog = await createInboundCatalog(current().store.db, Date.now());
    receiver = await startReceiver();
    const created = await apiClient(app.url, TEST_ADMIN_KEY)('POST', '/postbacks', {
      publisherId: catalog.publisherId,
      url: `${receiver.url}/pb?pid={postback_id}`,
    });
    expect(created.status).toBe(201);
    metricsPort = await startMetricsServer(app.ctx, 0, '127.0.0.1');
  });
  afterAll(async () => {
    await worker?.stop();
    await metricsPort.close();
    await receiver.close();
    await app.close();
  });

  it('refuses a scrape without the token, or with a wrong one, on both ports', async () => {
    for (const url of [`${app.url}/metrics`, `http://127.0.0.1:${metricsPort.port}/metrics`]) {
      expect((await scrape(url, null)).status).toBe(401);
      expect((await scrape(url, 'wrong-token-for-tests!!')).status).toBe(401);
    }
  });

  it('counts clicks, inbound answers, conversions and the queue, in a valid exposition', async () => {
    const before = parsePrometheusText((await scrape(`${app.url}/metrics`)).text);
    const link = await current()
      .store.db.selectFrom('links')
      .select('slug')
      .where('id', '=', catalog.linkId)
      .executeTakeFirstOrThrow();
    const visit = await fetch(`${app.url}/c/${link.slug}`, { redirect: 'manual' });
    expect(visit.status).toBe(302);
    const clickId = await catalog.click(Date.now());
    const accepted = await send(
      `${app.url}/postback?${query({ token: catalog.token, click_id: clickId, txn_id: 't1' })}`,
    );
    expect(accepted.body).toMatchObject({ code: 'conversion_created', status: 'approved' });
    const refused = await send(
      `${app.url}/postback?${query({ token: 'nope', click_id: clickId, txn_id: 't2' })}`,
    );
    expect(refused.body.code).toBe('bad_token');

    const scraped = await scrape(`${app.url}/metrics`);
    expect(scraped.status).toBe(200);
    expect(scraped.type).toContain('text/plain; version=0.0.4');
    const after = parsePrometheusText(scraped.text);
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(after.get('trackwire_clicks_total')?.type).toBe('counter');
    expect(delta('trackwire_clicks_total')).toBe(1);
    expect(delta('trackwire_inbound_postbacks_total', { code: 'conversion_created' })).toBe(1);
    expect(delta('trackwire_inbound_postbacks_total', { code: 'bad_token' })).toBe(1);
    expect(delta('trackwire_conversions_total', { status: 'approved' })).toBe(1);
    const queued = await current()
      .store.db.selectFrom('deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .execute();
    expect(sampleValue(after, 'trackwire_deliveries_queued', { state: 'pending' })).toBe(queued.length);
    expect(sampleValue(after, 'trackwire_oldest_pending_delivery_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(after.get('trackwire_click_journal_backlog')?.type).toBe('gauge');
    expect(after.get('trackwire_nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
    expect(
      after.get('trackwire_process_resident_memory_bytes') ??
        after.get('trackwire_process_cpu_user_seconds_total'),
    ).toBeDefined();
    // The metrics port serves the same registry.
    const other = parsePrometheusText((await scrape(`http://127.0.0.1:${metricsPort.port}/metrics`)).text);
    expect(sampleValue(other, 'trackwire_clicks_total')).toBe(sampleValue(after, 'trackwire_clicks_total'));
  });

  it('records delivery outcomes and attempt latency once the worker sends; /readyz follows the worker', async () => {
    const notReady = await send(`${app.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({
      status: 'not_ready',
      checks: { store: 'ok', migrations: 'ok', worker: 'failing' },
    });

    const before = parsePrometheusText((await scrape(`${app.url}/metrics`)).text);
    worker = startDeliveryWorker(app.ctx, { pollMs: 50 });
    await worker.drained();
    const ready = await send(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ready',
      checks: { store: 'ok', migrations: 'ok', worker: 'ok' },
    });

    const after = parsePrometheusText((await scrape(`${app.url}/metrics`)).text);
    const sent = receiver.hits.length;
    expect(sent).toBeGreaterThan(0);
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(delta('trackwire_deliveries_total', { outcome: 'succeeded', kind: 'scheduled' })).toBe(sent);
    expect(delta('trackwire_delivery_attempt_duration_seconds_count')).toBe(sent);
    expect(after.get('trackwire_delivery_attempt_duration_seconds')?.type).toBe('histogram');
    expect(sampleValue(after, 'trackwire_deliveries_queued', { state: 'pending' })).toBe(0);
  });
});
