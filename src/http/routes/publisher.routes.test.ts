import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient, type Call } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import { PREVIOUS_SECRET_GRACE_MS } from '../../catalog/publishers/publisher.service.ts';
import { ManualClock } from '../../shared/clock.ts';

describeEachStore('publishers API', (current) => {
  let t: TestApp;
  let admin: Call;
  const clock = new ManualClock(Date.UTC(2026, 2, 1));
  let changes = 0;
  beforeAll(async () => {
    t = await startTestApp(current().store, {}, clock);
    admin = apiClient(t.url, TEST_ADMIN_KEY);
    t.ctx.events.on('catalog.changed', () => changes++);
  });
  afterAll(() => t.close());

  it('creates a publisher with a security token and a Standard Webhooks signing secret', async () => {
    const reply = await admin('POST', '/publishers', { name: 'Media buyer' });
    expect(reply.status).toBe(201);
    const p = reply.body;
    expect(p.securityToken).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(p.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(p.signingSecret.slice(6), 'base64')).toHaveLength(24);
    // The reference verifier accepts it as a secret.
    const wh = new Webhook(p.signingSecret);
    const at = new Date();
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)) };
    const signature = wh.sign('msg_1', at, '{}');
    expect(wh.verify('{}', { ...headers, 'webhook-signature': signature })).toEqual({});
    expect(p.previousSecretExpiresAt).toBeNull();
  });

  it('rotates the signing secret keeping the previous one valid for 24 hours', async () => {
    const p = (await admin('POST', '/publishers', { name: 'Rotator' })).body;
    const before = changes;
    const rotated = await admin('POST', `/publishers/${p.id}/rotate-signing-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.signingSecret).toMatch(/^whsec_/);
    expect(rotated.body.signingSecret).not.toBe(p.signingSecret);
    expect(rotated.body.previousSecretExpiresAt).toBe(clock.now() + PREVIOUS_SECRET_GRACE_MS);
    expect(changes).toBe(before + 1);
    const row = await current()
      .store.db.selectFrom('publishers')
      .selectAll()
      .where('id', '=', p.id)
      .executeTakeFirstOrThrow();
    expect(row.previous_signing_secret).toBe(p.signingSecret);
    expect(row.previous_secret_expires_at).toBe(clock.now() + 24 * 3600 * 1000);
    expect((await admin('POST', '/publishers/999999/rotate-signing-secret')).status).toBe(404);
  });

  it('renames, lists and deletes; a publisher with links cannot be deleted (409)', async () => {
    const p = (await admin('POST', '/publishers', { name: 'Old' })).body;
    expect((await admin('PATCH', `/publishers/${p.id}`, { name: 'New' })).body.name).toBe('New');
    expect((await admin('PATCH', `/publishers/${p.id}`, { name: '' })).status).toBe(400);
    const list = await admin('GET', '/publishers?limit=500');
    expect(list.body.data.map((x: { id: number }) => x.id)).toContain(p.id);

    const adv = (await admin('POST', '/advertisers', { name: 'A' })).body;
    const offer = (
      await admin('POST', '/offers', { advertiserId: adv.id, name: 'O', url: 'https://o.test/' })
    ).body;
    const link = (await admin('POST', '/links', { offerId: offer.id, publisherId: p.id })).body;
    expect((await admin('DELETE', `/publishers/${p.id}`)).status).toBe(409);
    await admin('DELETE', `/links/${link.id}`);
    const before = changes;
    expect((await admin('DELETE', `/publishers/${p.id}`)).status).toBe(204);
    expect(changes).toBe(before + 1);
    expect((await admin('GET', `/publishers/${p.id}`)).status).toBe(404);
  });
});
