// Every periodic job of the process, registered on the one job runner (src/jobs/job-runner.ts),
// which runs each on one node at a time. Add a feature's job here: one line each.
import { createChannelDeps } from '../alerts/alert-channel.service.ts';
import { registerAlertJob } from '../alerts/alert-evaluator.ts';
import { DEFAULT_HEALTH_POLICY } from '../deliveries/endpoint-health.ts';
import { TRACKWIRE_USER_AGENT } from '../deliveries/prepare/user-agent.ts';
import { registerRequestCheckJob } from '../deliveries/verify/request-check.job.ts';
import { createPlatformDeps, platformPost } from '../deliveries/worker/platform-attempt.ts';
import type { JobRunner } from '../jobs/job-runner.ts';
import { registerRetentionJob } from '../retention/retention-job.ts';
import type { AppContext } from './app-context.ts';

/** Registers the jobs; returns the function that closes what they hold. */
export function registerPeriodicJobs(ctx: AppContext, jobs: JobRunner): () => Promise<void> {
  const channels = createChannelDeps(ctx.config);
  const log = ctx.log.child({ component: 'alerts' });
  registerAlertJob(jobs, { db: ctx.store.db, channels, log }, ctx.config.alertsEvaluateEveryMs);
  registerRetentionJob(jobs, ctx);
  const platform = createPlatformDeps(ctx.config, TRACKWIRE_USER_AGENT);
  registerRequestCheckJob(jobs, {
    db: ctx.store.db,
    log: ctx.log.child({ component: 'request-checks' }),
    endpoints: platform.endpoints,
    post: platformPost(platform.sender, platform.timeoutMs),
    secretKey: platform.secretKey,
    health: DEFAULT_HEALTH_POLICY,
  });
  return async () => {
    await channels.sender.close();
    await platform.sender.close();
  };
}
