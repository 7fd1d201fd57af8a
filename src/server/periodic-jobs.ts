// Every periodic job of the process, registered on the one job runner (src/jobs/job-runner.ts),
// which runs each on one node at a time. Add a feature's job here: one line each.
import { createChannelDeps } from '../alerts/alert-channel.service.ts';
import { registerAlertJob } from '../alerts/alert-evaluator.ts';
import type { JobRunner } from '../jobs/job-runner.ts';
import { registerRetentionJob } from '../retention/retention-job.ts';
import type { AppContext } from './app-context.ts';

/** Registers the jobs; returns the function that closes what they hold. */
export function registerPeriodicJobs(ctx: AppContext, jobs: JobRunner): () => Promise<void> {
  const channels = createChannelDeps(ctx.config);
  const log = ctx.log.child({ component: 'alerts' });
  registerAlertJob(jobs, { db: ctx.store.db, channels, log }, ctx.config.alertsEvaluateEveryMs);
  registerRetentionJob(jobs, ctx);
  return () => channels.sender.close();
}
