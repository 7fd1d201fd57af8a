import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { apiClient, type Call, makeKey } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import {
  deliveryRows,
  type Receiver,
  seedDeliveries,
  startReceiver,
} from '../../../test/support/receiver.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import { setEndpointEnabled } from '../../deliveries/endpoint-health.ts';
import { BREAKER_NEVER_OPENS } from '../../deliveries/transport/circuit-breaker.ts';
import { type DeliveryWorker, startDeliveryWorker } from '../../deliveries/worker/delivery-worker.ts';

describeEachStore('delivery API', (current) => {
  const db = () => current().store.db;
  let app: TestApp;
  let admin: Call;
  let receiver: Receiver;
  let worker: DeliveryWorker | undefined;

  beforeAll(async () => {
    // A long automatic schedule: only the manual resend can make a second attempt within a test.
    app = await startTestApp(current().store, { retrySchedule: [3_600_000], workerPollMs: 50 });
    admin = apiClient(app.url, TEST_ADMIN_KEY);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await app.close();
    await receiver.close();
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
  });

  /** Runs the worker until nothing is due now (rows rescheduled an hour ahead stay pending). */
  async function runWorkerOnce(ids: string[], ctx = app.ctx) {
    worker = startDeliveryWorker(ctx, { breaker: BREAKER_NEVER_OPENS });
    for (let i = 0; i < 200; i++) {
      const rows = await deliveryRows(db(), ids);
      if (rows.every((r) => r.status !== 'in_flight' && (r.status !== 'pending' || r.attempts > 0))) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await worker.stop();
    worker = undefined;
  }

  it('resends one delivery by hand without touching its automatic budget; success cancels the retry', async () => {
    receiver.answer = () => ({ status: 502 });
    const seeded = await seedDeliveries(db(), receiver.url, 1);
    const [id] = seeded.deliveryIds;
    await runWorkerOnce(seeded.deliveryIds);
    const [waiting] = await deliveryRows(db(), [id]);
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 502 });

    // A failed manual resend leaves the automatic schedule exactly as it was.
    const failed = await admin('POST', `/deliveries/${id}/retry`);
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ status: 'pending', attempts: 1, nextRunAt: waiting.next_run_at });
    expect(failed.body.attemptLog.map((a: { trigger: string }) => a.trigger)).toEqual([
      'scheduled',
      'manual',
    ]);

    receiver.answer = () => ({ status: 200, body: 'thanks' });
    const ok = await admin('POST', `/deliveries/${id}/retry`);
    expect(ok.body).toMatchObject({ status: 'succeeded', attempts: 1, lastStatusCode: 200 });
    expect(ok.body.attemptLog).toHaveLength(3);
    expect(ok.body.attemptLog[2]).toMatchObject({
      trigger: 'manual',
      statusCode: 200,
      responseExcerpt: 'thanks',
    });
    expect(receiver.countOf(id)).toBe(3);

    const shown = await admin('GET', `/deliveries/${id}`);
    expect(shown.body).toMatchObject({ id, status: 'succeeded', postbackId: seeded.postbackId });
    expect(shown.body.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([502, 502, 200]);
  });

  it('refuses a resend on a disabled endpoint with 409, and an unknown delivery with 404', async () => {
    const seeded = await seedDeliveries(db(), receiver.url, 1);
    await setEndpointEnabled(db(), seeded.postbackId, false, Date.now());
    const refused = await admin('POST', `/deliveries/${seeded.deliveryIds[0]}/retry`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conflict');
    const bulk = await admin('POST', '/deliveries/resend', { postbackId: seeded.postbackId, since: 0 });
    expect(bulk.status).toBe(409);
    expect((await admin('POST', '/deliveries/dlv_nope/retry')).status).toBe(404);
    expect(receiver.countOf(seeded.deliveryIds[0])).toBe(0);
  });

  it('requeues failed deliveries in bulk through the normal queue', async () => {
    receiver.answer = () => ({ status: 400 });
    const seeded = await seedDeliveries(db(), receiver.url, 3, { postback: { retry_4xx: 0 } });
    await runWorkerOnce(seeded.deliveryIds);
    expect((await deliveryRows(db(), seeded.deliveryIds)).map((r) => r.status)).toEqual([
      'failed',
      'failed',
      'failed',
    ]);

    receiver.answer = () => ({ status: 200 });
    const tooMany = await admin('POST', '/deliveries/resend', {
      postbackId: seeded.postbackId,
      since: 0,
      limit: 10_001,
    });
    expect(tooMany.status).toBe(400);
    const resent = await admin('POST', '/deliveries/resend', {
      postbackId: seeded.postbackId,
      since: 0,
      limit: 2,
    });
    expect(resent.body).toEqual({ requeued: 2 });
    await runWorkerOnce(seeded.deliveryIds);
    const statuses = (await deliveryRows(db(), seeded.deliveryIds)).map((r) => r.status).sort();
    expect(statuses).toEqual(['failed', 'succeeded', 'succeeded']);
  });

  it('fails a delivery to a refused address at once; once allowed, resend and replay send it', async () => {
    receiver.answer = () => ({ status: 200 });
    const seeded = await seedDeliveries(db(), receiver.url, 3);
    const strict = await startTestApp(current().store, {
      retrySchedule: [3_600_000],
      allowPrivateTargets: false,
    });
    try {
      await runWorkerOnce(seeded.deliveryIds, strict.ctx);
    } finally {
      await strict.close();
    }
    const refused = await deliveryRows(db(), seeded.deliveryIds);
    expect(refused.map((r) => [r.status, r.attempts])).toEqual(refused.map(() => ['failed', 1]));
    for (const row of refused) expect(row.last_error).toMatch(/^refused_address: /);
    expect(receiver.hits.filter((h) => seeded.deliveryIds.includes(h.deliveryId))).toEqual([]);

    // This node allows private targets: the configuration change the operator made.
    const [first, ...rest] = seeded.deliveryIds;
    const resent = await admin('POST', `/deliveries/${first}/retry`);
    expect(resent.body).toMatchObject({ status: 'succeeded', lastStatusCode: 200 });
    const replayed = await admin('POST', '/deliveries/resend', { postbackId: seeded.postbackId, since: 0 });
    expect(replayed.body).toEqual({ requeued: 2 });
    await runWorkerOnce(rest);
    const rows = await deliveryRows(db(), seeded.deliveryIds);
    expect(rows.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    for (const id of seeded.deliveryIds) expect(receiver.countOf(id)).toBe(1);
  });

  it('lists deliveries with filters and pages; publisher keys see only their own', async () => {
    const mine = await seedDeliveries(db(), 'http://127.0.0.1:9', 3);
    const theirs = await seedDeliveries(db(), 'http://127.0.0.1:9', 2);
    await db()
      .updateTable('deliveries')
      .set({ status: 'cancelled' })
      .where('id', 'in', [...mine.deliveryIds, ...theirs.deliveryIds])
      .execute();

    const page1 = await admin('GET', `/deliveries?postbackId=${mine.postbackId}&limit=2`);
    expect(page1.status).toBe(200);
    expect(page1.body.data).toHaveLength(2);
    const page2 = await admin(
      'GET',
      `/deliveries?postbackId=${mine.postbackId}&limit=2&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body.nextCursor).toBeNull();
    const seen = [...page1.body.data, ...page2.body.data].map((d: { id: string }) => d.id).sort();
    expect(seen).toEqual([...mine.deliveryIds].sort());
    expect(
      (await admin('GET', `/deliveries?status=succeeded&postbackId=${mine.postbackId}`)).body.data,
    ).toEqual([]);

    const publisher = apiClient(
      app.url,
      await makeKey(current().store, 'publisher', { publisherId: mine.publisherId }),
    );
    const own = await publisher('GET', '/deliveries?limit=500');
    expect(own.body.data.every((d: { publisherId: number }) => d.publisherId === mine.publisherId)).toBe(
      true,
    );
    expect(own.body.data).toHaveLength(3);
    expect((await publisher('GET', `/deliveries/${theirs.deliveryIds[0]}`)).status).toBe(404);
    expect((await publisher('GET', `/deliveries?publisherId=${theirs.publisherId}`)).body.data).toEqual([]);
    const advertiser = apiClient(app.url, await makeKey(current().store, 'advertiser', { advertiserId: 1 }));
    expect((await advertiser('GET', '/deliveries')).status).toBe(403);
  });
  it('sends every secret but stores and shows none: macros, marked parameters and path segments, headers', async () => {
    // A receiver that echoes what it got: its answer must not put the secrets back in the record.
    receiver.answer = (hit) => ({
      status: 200,
      body: `got ${hit.url} ${JSON.stringify(hit.headers)} ${hit.body}`,
    });
    const seeded = await seedDeliveries(db(), receiver.url, 1, {
      postback: {
        url: `${receiver.url}/pb/path-secret/{security_token}?pid={postback_id}&tok={security_token}&secret=static-secret&partner_key=pk-secret&sig={signature}&status={status}`,
        method: 'POST',
        body_format: 'json',
        body_template: '{"tok":"{security_token}","auth":{"partner_key":"pk-secret"},"status":"{status}"}',
        headers: JSON.stringify({ 'x-api-key': 'header-secret', 'x-partner': 'Bearer {security_token}' }),
        secret_params: JSON.stringify(['partner_key', 'tok']),
        secret_path_segments: JSON.stringify([2]),
      },
    });
    const [id] = seeded.deliveryIds;
    const { security_token: token } = await db()
      .selectFrom('publishers')
      .select('security_token')
      .where('id', '=', seeded.publisherId)
      .executeTakeFirstOrThrow();
    await runWorkerOnce(seeded.deliveryIds);

    const hit = receiver.hits.find((h) => h.deliveryId === id);
    expect(hit?.url).toContain(`/pb/path-secret/${token}?`);
    expect(hit?.url).toContain('secret=static-secret&partner_key=pk-secret');
    expect(hit?.headers['x-partner']).toBe(`Bearer ${token}`);
    expect(hit?.headers['x-api-key']).toBe('header-secret');
    expect(JSON.parse(hit?.body ?? '')).toEqual({
      tok: token,
      auth: { partner_key: 'pk-secret' },
      status: 'approved',
    });

    const secrets = [token, 'path-secret', 'static-secret', 'pk-secret', 'header-secret'];
    const stored = await db()
      .selectFrom('delivery_attempts')
      .selectAll()
      .where('delivery_id', '=', id)
      .execute();
    const shown = await admin('GET', `/deliveries/${id}`);
    for (const text of [JSON.stringify(stored), JSON.stringify(shown.body)]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    const [attempt] = shown.body.attemptLog;
    expect(attempt.url).toBe(
      `${receiver.url}/pb/REDACTED/REDACTED?pid=${id}&tok=REDACTED&secret=REDACTED&partner_key=REDACTED&sig=REDACTED&status=approved`,
    );
    expect(attempt.requestHeaders).toMatchObject({ 'x-api-key': 'REDACTED', 'x-partner': 'Bearer REDACTED' });
    expect(attempt.responseExcerpt).toContain('/pb/REDACTED/REDACTED?');
    expect(JSON.parse(attempt.requestBody)).toEqual({
      tok: 'REDACTED',
      auth: { partner_key: 'REDACTED' },
      status: 'approved',
    });
  });
  it('shows a postback whose endpoint answered 410 as held and not enabled, and PATCH enabled brings it back', async () => {
    receiver.answer = () => ({ status: 410 });
    const seeded = await seedDeliveries(db(), receiver.url, 1);
    await runWorkerOnce(seeded.deliveryIds);
    const gone = await admin('GET', `/postbacks/${seeded.postbackId}`);
    expect(gone.body).toMatchObject({
      enabled: false,
      state: 'held',
      disabledReason: 'receiver answered 410 Gone',
    });
    expect(gone.body.disabledAt).toEqual(expect.any(Number));

    const off = await admin('PATCH', `/postbacks/${seeded.postbackId}`, { enabled: false });
    expect(off.body).toMatchObject({ enabled: false, state: 'off', disabledReason: null, disabledAt: null });
    const on = await admin('PATCH', `/postbacks/${seeded.postbackId}`, { enabled: true });
    expect(on.body).toMatchObject({ enabled: true, state: 'active', disabledReason: null, failureStreak: 0 });
    // Held deliveries stay held until released, as with POST …/enable.
    expect((await deliveryRows(db(), seeded.deliveryIds)).map((r) => r.status)).toEqual(['held']);
  });
});
