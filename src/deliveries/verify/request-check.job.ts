// The request check as a periodic job: every minute, on one node at a time (the job runner's lease).
import type { JobRunner } from '../../jobs/job-runner.ts';
import { checkAwaitedRequests, type RequestCheckDeps } from './request-check.service.ts';

export const REQUEST_CHECK_JOB = 'platform-request-checks';
export const REQUEST_CHECK_EVERY_MS = 60_000;

export function registerRequestCheckJob(jobs: JobRunner, deps: RequestCheckDeps): void {
  jobs.registerJob({
    name: REQUEST_CHECK_JOB,
    everyMs: REQUEST_CHECK_EVERY_MS,
    async run({ now }) {
      const run = await checkAwaitedRequests(deps, now);
      if (run.settled > 0 || run.processing > 0) deps.log.info({ run }, 'platform requests checked');
    },
  });
}
