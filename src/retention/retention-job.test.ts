import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { createJobRunner } from '../jobs/job-runner.ts';
import { getRetentionSettings } from './retention.service.ts';
import { registerRetentionJob } from './retention-job.ts';

describeEachStore('retention job', (current) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(current().store);
  });
  afterAll(() => t.close());

  it('runs retention once per day on one of two nodes', async () => {
    const nodes = ['a', 'b'].map((holder) =>
      createJobRunner({ db: t.ctx.store.db, clock: t.ctx.clock, log: t.ctx.log, holder }),
    );
    for (const node of nodes) registerRetentionJob(node, t.ctx);
    const ran = [...(await nodes[0].runDue()), ...(await nodes[1].runDue())];
    expect(ran).toEqual(['retention']);
    const settings = await getRetentionSettings(t.ctx);
    expect(settings.lastRunAt).not.toBeNull();
    expect(settings.lastRun).toMatchObject({
      clicksAnonymized: 0,
      logBodiesDeleted: 0,
      attemptBodiesDeleted: 0,
    });
  });
});
