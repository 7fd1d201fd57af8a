import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient, makeKey } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { describeEachStore } from '../../../test/support/stores.ts';

describeEachStore('postback preview', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(current().store);
  });
  afterAll(() => app.close());

  it('renders a draft with sample values and marks a misspelled macro with the nearest name', async () => {
    const admin = apiClient(app.url, TEST_ADMIN_KEY);
    const reply = await admin('POST', '/postbacks/preview', {
      url: 'https://t.example/pb?cid={{click_id}}&p={payot}&s=#sub1#',
    });
    expect(reply.status).toBe(200);
    expect(reply.body.unknownMacros).toEqual([
      { field: 'url', macro: '{payot}', name: 'payot', suggestion: 'payout' },
    ]);
    expect(reply.body.request.url).toMatch(/^https:\/\/t\.example\/pb\?cid=[^{&]+&p=\{payot\}&s=/);
  });

  it('renders a POST body and headers, and nothing when the URL is not http(s)', async () => {
    const admin = apiClient(app.url, TEST_ADMIN_KEY);
    const post = await admin('POST', '/postbacks/preview', {
      url: 'https://t.example/pb',
      method: 'POST',
      bodyFormat: 'json',
      bodyTemplate: '{"payout":"{payout}"}',
      headers: { 'x-sub': '{sub2}' },
    });
    expect(JSON.parse(post.body.request.body).payout).toMatch(/^\d/);
    expect(post.body.request.headers['content-type']).toBe('application/json');
    const ftp = await admin('POST', '/postbacks/preview', { url: 'ftp://x/{clik_id}' });
    expect(ftp.body.request).toBeNull();
    expect(ftp.body.unknownMacros[0].suggestion).toBe('click_id');
  });

  it('is open to publisher keys, with their token masked', async () => {
    const publisher = (await apiClient(app.url, TEST_ADMIN_KEY)('POST', '/publishers', { name: 'P' })).body;
    const key = await makeKey(current().store, 'publisher', { publisherId: publisher.id });
    const reply = await apiClient(app.url, key)('POST', '/postbacks/preview', {
      url: 'https://t.example/?t={security_token}',
    });
    expect(reply.status).toBe(200);
    expect(reply.body.request.url).toContain('REDACTED');
  });
});
