import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient, unique } from '../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../test/support/app.ts';
import { describeEachStore } from '../../test/support/stores.ts';

const BODY_METHODS = ['post', 'put', 'patch', 'delete'];

describeEachStore('admin API: unknown fields are refused, naming them', (current) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(current().store);
  });
  afterAll(() => t.close());

  it('refuses an unknown body field and an unknown query parameter on every documented route', async () => {
    const admin = apiClient(t.url, TEST_ADMIN_KEY);
    const doc = (await admin('GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const checked: string[] = [];
    const failures: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      if (path === '/api/v1/openapi.json') continue;
      const concrete = path.replace('/api/v1', '').replace(/\{[^}]+\}/g, '1');
      for (const method of Object.keys(operations)) {
        const query = await admin(method.toUpperCase(), `${concrete}?zzNotAField=1`);
        // A required body is validated before the query, so those routes answer about the body.
        const bodyFirst = BODY_METHODS.includes(method) && query.body?.error?.details?.in === 'body';
        if (
          !bodyFirst &&
          (query.status !== 400 || !query.body.error.details?.unknown?.includes('zzNotAField'))
        ) {
          failures.push(`${method} ${path} query: ${query.status} ${JSON.stringify(query.body)}`);
        }
        if (!BODY_METHODS.includes(method)) continue;
        const body = await admin(method.toUpperCase(), concrete, { zzNotAField: 1 });
        const error = body.body?.error;
        if (
          body.status !== 400 ||
          error.code !== 'validation_failed' ||
          !error.details?.unknown?.includes('zzNotAField') ||
          !error.message.includes('zzNotAField')
        ) {
          failures.push(`${method} ${path} body: ${body.status} ${JSON.stringify(body.body)}`);
        }
        checked.push(`${method} ${path}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked.length).toBeGreaterThan(15);
  });

  it('names every unknown field of an offer, top level and nested, and applies nothing', async () => {
    const admin = apiClient(t.url, TEST_ADMIN_KEY);
    const adv = await admin('POST', '/advertisers', { name: unique('adv') });
    const base = { advertiserId: adv.body.id, name: 'Offer', url: 'https://shop.test/?c={click_id}' };
    const created = await admin('POST', '/offers', {
      ...base,
      status: 'paused',
      caps: { daily: 5 },
      countries: ['DE'],
    });
    expect(created.status).toBe(400);
    expect(created.body.error).toMatchObject({
      code: 'validation_failed',
      details: { unknown: ['status', 'caps', 'countries'], in: 'body' },
    });
    const nested = await admin('POST', '/offers', {
      ...base,
      goals: [{ key: 'sale', name: 'Sale', bonus: 1 }],
    });
    expect(nested.status).toBe(400);
    expect(nested.body.error.details.unknown).toEqual(['goals.0.bonus']);

    const offer = await admin('POST', '/offers', base);
    expect(offer.status).toBe(201);
    const patched = await admin('PATCH', `/offers/${offer.body.id}`, { urll: 'https://other.test/' });
    expect(patched.status).toBe(400);
    expect(patched.body.error.message).toContain('urll');
    expect((await admin('GET', `/offers/${offer.body.id}`)).body.url).toBe(base.url);
  });

  it('still takes action routes with no body, and the optional enable body', async () => {
    const admin = apiClient(t.url, TEST_ADMIN_KEY);
    const pub = await admin('POST', '/publishers', { name: unique('pub') });
    expect((await admin('POST', `/publishers/${pub.body.id}/rotate-signing-secret`)).status).toBe(200);
    const pb = await admin('POST', '/postbacks', {
      publisherId: pub.body.id,
      url: 'https://pub.test/pb?c={click_id}',
    });
    expect(pb.status).toBe(201);
    expect((await admin('POST', `/postbacks/${pb.body.id}/enable`)).status).toBe(200);
    expect((await admin('POST', `/postbacks/${pb.body.id}/enable`, { releaseHeld: true })).status).toBe(200);
    const wrong = await admin('POST', `/postbacks/${pb.body.id}/enable`, { releaseHeld: true, now: true });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.unknown).toEqual(['now']);

    // The document says so too: an optional body is not required, a bare action has none.
    const doc = (await admin('GET', '/openapi.json')).body;
    expect(doc.paths['/api/v1/postbacks/{id}/enable'].post.requestBody.required).toBe(false);
    expect(doc.paths['/api/v1/publishers/{id}/rotate-signing-secret'].post.requestBody).toBeUndefined();
    expect(doc.paths['/api/v1/offers'].post.requestBody.required).toBe(true);
  });
});
