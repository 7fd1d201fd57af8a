import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient, makeKey, unique } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { startReceiver } from '../../../test/support/receiver.ts';
import { describeEachStore } from '../../../test/support/stores.ts';

describeEachStore('publisher security token', (current) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(current().store);
  });
  afterAll(() => t.close());
  const admin = () => apiClient(t.url, TEST_ADMIN_KEY);

  it('is set to the value the publisher’s tracker issued, at creation or later, and postbacks send it', async () => {
    const created = await admin()('POST', '/publishers', {
      name: unique('pub'),
      securityToken: 'KT.token-0001',
    });
    expect(created.status).toBe(201);
    expect(created.body.securityToken).toBe('KT.token-0001');
    const patched = await admin()('PATCH', `/publishers/${created.body.id}`, {
      securityToken: 'issued_by~them42',
    });
    expect(patched.status).toBe(200);
    expect(patched.body.securityToken).toBe('issued_by~them42');
    expect((await admin()('GET', `/publishers/${created.body.id}`)).body.securityToken).toBe(
      'issued_by~them42',
    );

    const receiver = await startReceiver();
    try {
      const postback = await admin()('POST', '/postbacks', {
        publisherId: created.body.id,
        url: `${receiver.url}/pb?token={security_token}`,
      });
      expect(postback.status).toBe(201);
      await admin()('POST', `/postbacks/${postback.body.id}/test`);
      expect(receiver.hits.map((h) => new URL(h.url, 'http://r').searchParams.get('token'))).toEqual([
        'issued_by~them42',
      ]);
    } finally {
      await receiver.close();
    }
  });

  it('refuses tokens too short, too long or with characters a URL would mangle', async () => {
    const pub = await admin()('POST', '/publishers', { name: unique('pub') });
    for (const securityToken of ['abc', 'x'.repeat(201), 'has space', 'a&b=cdef', 'ünïcode1', '']) {
      const reply = await admin()('PATCH', `/publishers/${pub.body.id}`, { securityToken });
      expect(reply.status, securityToken).toBe(400);
      expect(reply.body.error.code).toBe('validation_failed');
      expect(reply.body.error.message).toContain('securityToken');
    }
    expect((await admin()('GET', `/publishers/${pub.body.id}`)).body.securityToken).toBe(
      pub.body.securityToken,
    );
  });

  it('rotates to a new random token, by an admin or the publisher itself only', async () => {
    const pub = await admin()('POST', '/publishers', { name: unique('pub') });
    const rotated = await admin()('POST', `/publishers/${pub.body.id}/rotate-security-token`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.securityToken).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(rotated.body.securityToken).not.toBe(pub.body.securityToken);

    const own = apiClient(t.url, await makeKey(current().store, 'publisher', { publisherId: pub.body.id }));
    const again = await own('POST', `/publishers/${pub.body.id}/rotate-security-token`);
    expect(again.status).toBe(200);
    expect(again.body.securityToken).not.toBe(rotated.body.securityToken);

    const other = await admin()('POST', '/publishers', { name: unique('pub') });
    const stranger = apiClient(
      t.url,
      await makeKey(current().store, 'publisher', { publisherId: other.body.id }),
    );
    expect((await stranger('POST', `/publishers/${pub.body.id}/rotate-security-token`)).status).toBe(404);
    expect((await admin()('POST', '/publishers/999999/rotate-security-token')).status).toBe(404);
  });
});
