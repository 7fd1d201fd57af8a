import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { getRetentionSettings } from './retention.service.ts';
import { startRetentionScheduler } from './retention-scheduler.ts';

describeEachStore('retention scheduler', (current) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(current().store);
  });
  afterAll(() => t.close());

  it('applies retention on its timer and stops cleanly', async () => {
    const scheduler = startRetentionScheduler(t.ctx, { firstRunMs: 0, intervalMs: 60_000 });
    const deadline = Date.now() + 10_000;
    while ((await getRetentionSettings(t.ctx)).lastRunAt === null) {
      if (Date.now() > deadline) throw new Error('the scheduler never ran');
      await new Promise((r) => setTimeout(r, 20));
    }
    await scheduler.stop();
    const settings = await getRetentionSettings(t.ctx);
    expect(settings.lastRun).toMatchObject({
      clicksAnonymized: 0,
      logBodiesDeleted: 0,
      attemptBodiesDeleted: 0,
    });
  });
});
