// Retention as a periodic job: once a day, on one node at a time under the job runner's lease.
// A run resumes from the cursor the last one left, so a run cut short loses nothing.
import type { JobRunner } from '../jobs/job-runner.ts';
import type { AppContext } from '../server/app-context.ts';
import { applyRetention } from './retention.service.ts';

export const RETENTION_INTERVAL_MS = 86_400_000;
export const RETENTION_BATCH_SIZE = 500;

export function registerRetentionJob(jobs: JobRunner, ctx: AppContext): void {
  jobs.registerJob({
    name: 'retention',
    everyMs: RETENTION_INTERVAL_MS,
    async run({ now }) {
      const run = await applyRetention(ctx, { now, batchSize: RETENTION_BATCH_SIZE });
      ctx.log.info({ run }, 'retention applied');
    },
  });
}
