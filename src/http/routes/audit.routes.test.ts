import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient, type Call, makeKey } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { browserClient } from '../../../test/support/session.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import { createUser } from '../../users/user.service.ts';

describeEachStore('audit log', (current) => {
  let t: TestApp;
  let admin: Call;
  beforeAll(async () => {
    t = await startTestApp(current().store);
    admin = apiClient(t.url, TEST_ADMIN_KEY);
  });
  afterAll(() => t.close());

  const entries = async (query = '') => (await admin('GET', `/audit-log${query}`)).body.data;

  it('records who changed what, with the state before and after, secrets redacted', async () => {
    const created = (await admin('POST', '/advertisers', { name: 'Before' })).body;
    expect(created.postbackToken).toMatch(/\w{8,}/);
    await admin('PATCH', `/advertisers/${created.id}`, { name: 'After' });
    const [patch, create] = await entries('?resource=advertisers&limit=2');
    expect(create).toMatchObject({
      actor: 'env',
      role: 'admin',
      via: 'api',
      method: 'POST',
      path: '/api/v1/advertisers',
      resource: 'advertisers',
      resourceId: String(created.id),
      statusCode: 201,
      before: null,
      after: { id: created.id, name: 'Before', postbackToken: '[redacted]' },
    });
    expect(patch).toMatchObject({
      method: 'PATCH',
      resourceId: String(created.id),
      before: { name: 'Before', postbackToken: '[redacted]' },
      after: { name: 'After', postbackToken: '[redacted]' },
    });
    expect(JSON.stringify(await entries())).not.toContain(created.postbackToken);
    // An action on an item records the item before and after it.
    const rotated = (await admin('POST', `/advertisers/${created.id}/rotate-token`)).body;
    const [rotation] = await entries('?resource=advertisers&limit=1');
    expect(rotation).toMatchObject({
      path: `/api/v1/advertisers/${created.id}/rotate-token`,
      before: { id: created.id, name: 'After', postbackToken: '[redacted]' },
      after: { id: created.id, postbackToken: '[redacted]' },
    });
    const text = JSON.stringify(rotation);
    expect(text).not.toContain(created.postbackToken);
    expect(text).not.toContain(rotated.postbackToken);
    expect(patch.at).toBeGreaterThanOrEqual(create.at);
  });

  it('redacts signing secrets, key material and secret URL parameters; logs deletions and actions', async () => {
    const publisher = (await admin('POST', '/publishers', { name: 'Pub' })).body;
    const postback = await admin('POST', '/postbacks', {
      publisherId: publisher.id,
      url: 'https://publisher.test/pb?click_id={click_id}&token=s3cr3t-value',
    });
    expect(postback.status).toBe(201);
    const key = (await admin('POST', '/keys', { role: 'publisher', publisherId: publisher.id })).body;
    await admin('DELETE', `/postbacks/${postback.body.id}`);
    const all = await entries('?limit=20');
    const text = JSON.stringify(all);
    for (const secret of [publisher.signingSecret, publisher.securityToken, key.key, 's3cr3t-value']) {
      if (secret) expect(text).not.toContain(secret);
    }
    const pbEntry = all.find(
      (e: { resource: string; method: string }) => e.resource === 'postbacks' && e.method === 'POST',
    );
    expect(pbEntry.after.url).toBe('https://publisher.test/pb?click_id={click_id}&token=[redacted]');
    const deletion = all.find((e: { method: string }) => e.method === 'DELETE');
    expect(deletion).toMatchObject({
      resource: 'postbacks',
      resourceId: String(postback.body.id),
      statusCode: 204,
      after: null,
    });
    expect(deletion.before).toMatchObject({ id: postback.body.id, publisherId: publisher.id });
  });

  it('does not log refused changes, and names dashboard users', async () => {
    const before = (await entries('?limit=500')).length;
    expect((await admin('POST', '/advertisers', { name: '' })).status).toBe(400);
    expect((await entries('?limit=500')).length).toBe(before);

    const user = await createUser(
      current().store.db,
      { email: 'ops@example.com', password: 'correct horse battery', role: 'admin' },
      Date.now(),
    );
    const browser = browserClient(t.url);
    expect(
      (
        await browser.call('POST', '/session', {
          email: 'ops@example.com',
          password: 'correct horse battery',
        })
      ).status,
    ).toBe(201);
    expect((await browser.call('POST', '/advertisers', { name: 'From the dashboard' })).status).toBe(201);
    const [latest] = await entries('?limit=1');
    expect(latest).toMatchObject({
      actor: `user:${user.id}`,
      via: 'dashboard',
      role: 'admin',
      resource: 'advertisers',
    });
    // The sign-in itself carried a password: it is not an audited change, and nothing holds it.
    expect(JSON.stringify(await entries('?limit=500'))).not.toContain('correct horse battery');
  });

  it('is readable by admins only (roles matrix), paged newest first', async () => {
    const store = current().store;
    const advertiser = (await admin('POST', '/advertisers', { name: 'Matrix' })).body;
    const publisher = (await admin('POST', '/publishers', { name: 'Matrix' })).body;
    const expectations: Array<[string | undefined, number]> = [
      [TEST_ADMIN_KEY, 200],
      [await makeKey(store, 'admin'), 200],
      [await makeKey(store, 'advertiser', { advertiserId: advertiser.id }), 403],
      [await makeKey(store, 'publisher', { publisherId: publisher.id }), 403],
      [undefined, 401],
    ];
    for (const [key, status] of expectations) {
      expect((await apiClient(t.url, key)('GET', '/audit-log')).status).toBe(status);
    }
    const first = (await admin('GET', '/audit-log?limit=2')).body;
    const second = (await admin('GET', `/audit-log?limit=2&cursor=${first.nextCursor}`)).body;
    expect(first.data[0].id).toBeGreaterThan(first.data[1].id);
    expect(second.data[0].id).toBeLessThan(first.data[1].id);
  });
});
