import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient, type Call, makeKey } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { createCatalog } from '../../../test/support/fixtures.ts';
import { describeEachStore } from '../../../test/support/stores.ts';

describeEachStore('retention settings API', (current) => {
  let t: TestApp;
  let admin: Call;
  beforeAll(async () => {
    t = await startTestApp(current().store);
    admin = apiClient(t.url, TEST_ADMIN_KEY);
  });
  afterAll(() => t.close());

  it('reads, changes and runs the settings; refuses nonsense', async () => {
    expect((await admin('GET', '/retention')).body).toMatchObject({
      anonymizeAfterDays: null,
      purgeBodiesAfterDays: null,
      lastRun: null,
    });
    const changed = await admin('PATCH', '/retention', { anonymizeAfterDays: 90, purgeBodiesAfterDays: 30 });
    expect(changed.body).toMatchObject({ anonymizeAfterDays: 90, purgeBodiesAfterDays: 30 });
    expect((await admin('PATCH', '/retention', { anonymizeAfterDays: 0 })).status).toBe(400);
    expect((await admin('PATCH', '/retention', { anonymizeAfterDays: 1.5 })).status).toBe(400);
    expect((await admin('PATCH', '/retention', { purgeBodiesAfterDays: null })).body).toMatchObject({
      anonymizeAfterDays: 90,
      purgeBodiesAfterDays: null,
    });
    const run = await admin('POST', '/retention/run');
    expect(run.body).toMatchObject({ clicksAnonymized: 0, logBodiesDeleted: 0, attemptBodiesDeleted: 0 });
    expect((await admin('GET', '/retention')).body.lastRun).toEqual(run.body);
    const audit = (await admin('GET', '/audit-log?resource=retention')).body.data;
    expect(audit.filter((e: { method: string }) => e.method === 'PATCH').at(-1)).toMatchObject({
      before: { anonymizeAfterDays: null },
      after: { anonymizeAfterDays: 90 },
    });
  });

  it('is for admins only', async () => {
    const c = await createCatalog(current().store.db);
    for (const key of [
      await makeKey(current().store, 'advertiser', { advertiserId: c.advertiser.id }),
      await makeKey(current().store, 'publisher', { publisherId: c.publisher.id }),
    ]) {
      const call = apiClient(t.url, key);
      expect((await call('GET', '/retention')).status).toBe(403);
      expect((await call('PATCH', '/retention', { anonymizeAfterDays: 1 })).status).toBe(403);
      expect((await call('POST', '/retention/run')).status).toBe(403);
    }
  });
});
