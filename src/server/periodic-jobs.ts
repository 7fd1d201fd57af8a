// Every periodic job of the process, registered on the one job runner (src/jobs/job-runner.ts).
// Add a feature's job here: one line each.
import type { JobRunner } from '../jobs/job-runner.ts';
import type { AppContext } from './app-context.ts';

export function registerPeriodicJobs(ctx: AppContext, jobs: JobRunner): void {
  void ctx;
  void jobs;
}
