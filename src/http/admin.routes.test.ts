import Fastify from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient, makeKey } from '../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../test/support/app.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { registerAdminRoutes } from './admin.routes.ts';

describeEachStore('admin API: authentication, OpenAPI, input errors', (current) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(current().store);
  });
  afterAll(() => t.close());

  it('answers 401 unauthorized without a key, with a wrong key, a malformed header or a revoked key', async () => {
    const admin = apiClient(t.url, TEST_ADMIN_KEY);
    for (const key of [undefined, 'tw_wrong', '']) {
      const reply = await apiClient(t.url, key)('GET', '/advertisers');
      expect(reply.status).toBe(401);
      expect(reply.body.error.code).toBe('unauthorized');
    }
    const basic = await fetch(`${t.url}/api/v1/advertisers`, {
      headers: { authorization: `Basic ${TEST_ADMIN_KEY}` },
    });
    expect(basic.status).toBe(401);

    const created = await admin('POST', '/keys', { role: 'admin', label: 'ops' });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^tw_[A-Za-z0-9_-]{43}$/);
    const own = apiClient(t.url, created.body.key);
    expect((await own('GET', '/advertisers')).status).toBe(200);
    expect((await admin('DELETE', `/keys/${created.body.id}`)).status).toBe(204);
    const after = await own('GET', '/advertisers');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthorized');
  });

  it('lists keys without their secrets and refuses keys management to non-admins', async () => {
    const admin = apiClient(t.url, TEST_ADMIN_KEY);
    const created = await admin('POST', '/keys', { role: 'admin', label: 'listed' });
    const list = await admin('GET', '/keys?limit=500');
    const listed = list.body.data.find((k: { id: number }) => k.id === created.body.id);
    expect(listed).toMatchObject({ role: 'admin', label: 'listed', prefix: created.body.key.slice(0, 10) });
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    expect(listed.key).toBeUndefined();

    const pub = await admin('POST', '/publishers', { name: 'Key Pub' });
    const pubKey = await makeKey(current().store, 'publisher', { publisherId: pub.body.id });
    expect((await apiClient(t.url, pubKey)('GET', '/keys')).status).toBe(403);
    expect((await apiClient(t.url, pubKey)('POST', '/keys', { role: 'admin' })).status).toBe(403);
    const bad = await admin('POST', '/keys', { role: 'publisher' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('publisherId');
    expect((await admin('POST', '/keys', { role: 'publisher', publisherId: 999_999 })).status).toBe(400);
    expect((await admin('DELETE', '/keys/999999')).status).toBe(404);
  });

  it('serves a public OpenAPI 3 document with the bearer scheme and only /api/v1 paths', async () => {
    const response = await fetch(`${t.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc.paths).every((p) => p.startsWith('/api/v1/'))).toBe(true);
    expect(doc.paths['/healthz']).toBeUndefined();
    // The request body schema is documented, so clients see the fields.
    const post = doc.paths['/api/v1/advertisers'].post as {
      requestBody: { content: Record<string, { schema: { properties: object } }> };
    };
    expect(Object.keys(post.requestBody.content['application/json'].schema.properties)).toContain(
      'ipAllowlist',
    );
  });

  it('documents every route registered under /api/v1 with its method', async () => {
    // A fresh instance watched by onRoute from the start, so every registration is seen.
    const app = Fastify();
    const seen: Array<{ method: string; url: string }> = [];
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) seen.push({ method, url: route.url });
    });
    await registerAdminRoutes(app, t.ctx);
    await app.ready();
    const doc = app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const apiRoutes = seen.filter((r) => r.url.startsWith('/api/v1') && r.method !== 'HEAD');
    expect(apiRoutes.length).toBeGreaterThan(25);
    const missing = apiRoutes.filter((r) => {
      const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}');
      return !doc.paths[path]?.[r.method.toLowerCase()];
    });
    expect(missing).toEqual([]);
    await app.close();
  });

  it('answers 400 (never 500) to bad JSON, wrong types and unknown ids, naming the field', async () => {
    const admin = apiClient(t.url, TEST_ADMIN_KEY);
    const badJson = await admin('POST', '/advertisers', '{"name": ');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('invalid_json');
    const missing = await admin('POST', '/advertisers', {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('name');
    const wrongType = await admin('POST', '/offers', {
      advertiserId: 'abc',
      name: 'x',
      url: 'https://x.test',
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.message).toContain('advertiserId');
    const badId = await admin('GET', '/advertisers/abc');
    expect(badId.status).toBe(400);
    expect(badId.body.error.message).toContain('id');
    const badCursor = await admin('GET', '/advertisers?cursor=zzz');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.message).toContain('cursor');
    // Ids beyond what the columns hold are refused up front, on both stores.
    for (const path of [
      '/advertisers/99999999999999',
      '/offers?advertiserId=99999999999',
      '/clicks?to=1e300',
    ]) {
      const huge = await admin('GET', path);
      expect(huge.status, path).toBe(400);
    }
    const hugeBody = await admin('POST', '/links', { offerId: 1e12, publisherId: 1 });
    expect(hugeBody.status).toBe(400);
    expect(hugeBody.body.error.message).toContain('offerId');
    const nul = await admin('POST', '/advertisers', { name: 'a\u0000b' });
    expect(nul.status).toBe(400);
    expect(nul.body.error.message).toContain('name');
    expect((await admin('GET', '/postback-log?code=a%00b')).status).toBe(400);
    expect((await admin('GET', '/clicks/a%00b')).status).toBe(400);
    const badClickCursor = await admin('GET', '/clicks?cursor=zzz');
    expect(badClickCursor.status).toBe(400);
  });
});
