import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../test/support/app.ts';
import { createInboundCatalog } from '../../test/support/inbound-fixtures.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../shared/json-depth.ts';

const nested = (depth: number) => `{"name":${'['.repeat(depth)}${']'.repeat(depth)}}`;

describe('exceedsJsonDepth', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    expect(exceedsJsonDepth('{"a":[[1]]}', 3)).toBe(false);
    expect(exceedsJsonDepth('{"a":[[[1]]]}', 3)).toBe(true);
    expect(exceedsJsonDepth(`{"a":"${'['.repeat(1000)}\\"{{{"}`, 1)).toBe(false);
    expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH - 1))).toBe(false);
    expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH))).toBe(true);
  });
});

describeEachStore('deeply nested JSON bodies', (current) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(current().store);
  });
  afterAll(() => t.close());

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  for (const depth of [10_000, 100_000]) {
    it(`answers 400 validation_failed to an /api/v1 body nested ${depth} deep`, async () => {
      const reply = await post('/api/v1/advertisers', nested(depth), {
        authorization: `Bearer ${TEST_ADMIN_KEY}`,
      });
      expect(reply.status).toBe(400);
      expect(((await reply.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    });

    it(`answers 400 invalid_body to an inbound postback nested ${depth} deep`, async () => {
      const catalog = await createInboundCatalog(current().store.db, Date.now());
      const reply = await post(
        `/postback/${catalog.token}`,
        `{"click_id":"x","sub1":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      );
      expect(reply.status).toBe(400);
      expect(await reply.json()).toMatchObject({ result: 'rejected', code: 'invalid_body' });
    });
  }

  it('still takes a body nested within the bound', async () => {
    const reply = await post(
      '/api/v1/advertisers',
      JSON.stringify({ name: 'Shallow', statusMap: { done: 'approved' } }),
      {
        authorization: `Bearer ${TEST_ADMIN_KEY}`,
      },
    );
    expect(reply.status).toBe(201);
  });
});
