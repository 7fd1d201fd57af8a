// A postback's own attempt deadline against the claim lease: no attempt may outlast half of it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient, type Call } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { createCatalog } from '../../../test/support/fixtures.ts';
import { describeEachStore } from '../../../test/support/stores.ts';

describeEachStore('postback deadline against the lease', (current) => {
  let t: TestApp;
  let admin: Call;
  let publisherId: number;
  beforeAll(async () => {
    t = await startTestApp(current().store, { leaseMs: 40_000, attemptTimeoutMs: 15_000 });
    admin = apiClient(t.url, TEST_ADMIN_KEY);
    publisherId = (await createCatalog(current().store.db)).publisher.id;
  });
  afterAll(() => t.close());

  it('refuses a timeoutMs above half the lease on create and update, naming TRACKWIRE_LEASE', async () => {
    const url = 'https://receiver.example/pb?cid={click_id}';
    const tooLong = await admin('POST', '/postbacks', { publisherId, url, timeoutMs: 30_000 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error).toMatchObject({ code: 'validation_failed' });
    expect(tooLong.body.error.message).toBe('timeoutMs: at most 20000 ms, half of TRACKWIRE_LEASE');

    const created = await admin('POST', '/postbacks', { publisherId, url, timeoutMs: 20_000 });
    expect(created.status).toBe(201);
    expect(created.body.timeoutMs).toBe(20_000);
    const updated = await admin('PATCH', `/postbacks/${created.body.id}`, { timeoutMs: 20_001 });
    expect(updated.status).toBe(400);
    expect(updated.body.error.message).toContain('TRACKWIRE_LEASE');
    const shown = await admin('GET', `/postbacks/${created.body.id}`);
    expect(shown.body.timeoutMs).toBe(20_000);
  });
});
