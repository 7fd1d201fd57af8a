import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient, type Call, makeKey } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { createCatalog } from '../../../test/support/fixtures.ts';
import { insertTestPostback } from '../../../test/support/postback-rows.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import { createChannelDeps } from '../../alerts/alert-channel.service.ts';
import { evaluateAlertRules } from '../../alerts/alert-evaluator.ts';
import { ManualClock } from '../../shared/clock.ts';

describeEachStore('/api/v1/alert-rules and /api/v1/alert-events', (current) => {
  const clock = new ManualClock(Date.UTC(2026, 4, 4, 9));
  let app: TestApp;
  let admin: Call;
  let channelId: number;
  let postbackId: number;
  beforeAll(async () => {
    app = await startTestApp(current().store, {}, clock);
    admin = apiClient(app.url, TEST_ADMIN_KEY);
    channelId = (await admin('POST', '/alert-channels', { kind: 'email', name: 'M', to: 'a@example.com' }))
      .body.id;
    const catalog = await createCatalog(current().store.db);
    postbackId = (
      await admin('POST', '/postbacks', {
        publisherId: Number(catalog.publisher.id),
        url: 'https://pub.example/pb',
      })
    ).body.id;
  });
  afterAll(() => app.close());

  it('creates, shows, changes and deletes a rule; history lists its transitions newest first', async () => {
    const created = await admin('POST', '/alert-rules', {
      name: 'Endpoint down',
      kind: 'endpoint_disabled',
      target: { type: 'postback', id: postbackId },
      windowMinutes: 5,
      channelIds: [channelId],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      state: 'ok',
      cooldownMinutes: 60,
      enabled: true,
      target: { type: 'postback', id: postbackId },
    });
    const spare = await admin('POST', '/alert-channels', {
      kind: 'email',
      name: 'Spare',
      to: 'b@example.com',
    });
    await admin('PATCH', `/alert-rules/${created.body.id}`, { channelIds: [channelId, spare.body.id] });
    expect((await admin('DELETE', `/alert-channels/${spare.body.id}`)).status).toBe(204);
    // The deleted channel drops out of the rule on its next change instead of blocking it.
    const changed = await admin('PATCH', `/alert-rules/${created.body.id}`, { cooldownMinutes: 0 });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ cooldownMinutes: 0, channelIds: [channelId] });

    const db = current().store.db;
    await db.updateTable('postbacks').set({ state: 'disabled' }).where('id', '=', postbackId).execute();
    const deps = { db, channels: createChannelDeps(app.ctx.config), log: app.ctx.log };
    clock.advance(6 * 60_000);
    await evaluateAlertRules(deps, clock.now());
    await db.updateTable('postbacks').set({ state: 'active' }).where('id', '=', postbackId).execute();
    clock.advance(60_000);
    await evaluateAlertRules(deps, clock.now());
    await deps.channels.sender.close();

    const history = await admin('GET', `/alert-rules/${created.body.id}/events`);
    expect(history.body.data.map((e: { transition: string }) => e.transition)).toEqual(['cleared', 'fired']);
    // No SMTP server is configured here: the history says so for the email channel.
    expect(history.body.data[1].notified).toEqual([
      { channelId, ok: false, statusCode: 0, answer: 'TRACKWIRE_SMTP_URL is not set' },
    ]);
    const inbox = await admin('GET', '/alert-events?limit=1');
    expect(inbox.body.data).toHaveLength(1);
    expect(inbox.body.data[0]).toMatchObject({ ruleName: 'Endpoint down', transition: 'cleared' });
    const shown = await admin('GET', `/alert-rules/${created.body.id}`);
    expect(shown.body.state).toBe('ok');
    expect((await admin('DELETE', `/alert-rules/${created.body.id}`)).status).toBe(204);
    expect((await admin('GET', `/alert-rules/${created.body.id}`)).status).toBe(404);
  });

  it('refuses a target the kind cannot watch, missing thresholds, unknown channels and unknown fields', async () => {
    const base = { name: 'r', windowMinutes: 60, channelIds: [channelId] };
    const cases = [
      { ...base, kind: 'clicks_drop', target: { type: 'postback', id: 1 } },
      { ...base, kind: 'clicks_drop', target: { type: 'offer' } },
      { ...base, kind: 'clicks_drop', target: { type: 'all', id: 3 } },
      { ...base, kind: 'clicks_spike', target: { type: 'all' } },
      { ...base, kind: 'clicks_spike', target: { type: 'all' }, params: { factor: 0.5 } },
      { ...base, kind: 'cr_band', target: { type: 'all' }, params: { min: 10, max: 5 } },
      { ...base, kind: 'oldest_pending', target: { type: 'all' }, params: { percent: 3 } },
      {
        ...base,
        kind: 'delivery_failure_rate',
        target: { type: 'destination', id: 1 },
        params: { percent: 5 },
      },
      { ...base, kind: 'endpoint_disabled', target: { type: 'all' }, channelIds: [987654] },
      { ...base, kind: 'endpoint_disabled', target: { type: 'all' }, colour: 'red' },
      { ...base, kind: 'endpoint_disabled', target: { type: 'all' }, windowMinutes: 0 },
    ];
    for (const body of cases) {
      const reply = await admin('POST', '/alert-rules', body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.error.code).toBe('validation_failed');
    }
  });

  it('watches an ad-platform destination as its postback, and refuses a URL postback as one', async () => {
    const db = current().store.db;
    const publisherId = Number((await createCatalog(db)).publisher.id);
    const meta = await insertTestPostback(db, publisherId, { kind: 'meta_capi', state: 'disabled' });
    const plain = await insertTestPostback(db, publisherId);
    const body = (id: number) => ({
      name: 'meta down',
      kind: 'endpoint_disabled',
      target: { type: 'destination', id },
      windowMinutes: 5,
      channelIds: [channelId],
    });
    const refused = await admin('POST', '/alert-rules', body(Number(plain.id)));
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('not an ad-platform destination');
    const created = await admin('POST', '/alert-rules', body(Number(meta.id)));
    expect(created.status).toBe(201);
    expect(created.body.target).toEqual({ type: 'destination', id: Number(meta.id) });
  });

  it('is for admins only', async () => {
    const catalog = await createCatalog(current().store.db);
    const keys = [
      await makeKey(current().store, 'advertiser', { advertiserId: Number(catalog.advertiser.id) }),
      await makeKey(current().store, 'publisher', { publisherId: Number(catalog.publisher.id) }),
    ];
    for (const key of keys) {
      const call = apiClient(app.url, key);
      for (const path of ['/alert-rules', '/alert-events'])
        expect((await call('GET', path)).status).toBe(403);
      const post = await call('POST', '/alert-rules', {
        name: 'x',
        kind: 'endpoint_disabled',
        target: { type: 'all' },
        windowMinutes: 5,
        channelIds: [],
      });
      expect(post.status).toBe(403);
    }
  });
});
