// Periodic jobs that run on one node at a time when several run: each job has a lease row in the
// store (job_leases). Every node ticks; a tick takes the lease of each job that is due and not held
// (one conditional UPDATE), runs it, renews the lease while it runs, and gives it back with the next
// due time. A node that dies mid-run leaves a lease that expires, and the job runs again elsewhere.
// There is no second scheduler: the row's next_run_at is the schedule, shared by all nodes.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../db/database.types.ts';
import { logStoreFailure } from '../db/store-unavailable.ts';
import type { Clock } from '../shared/clock.ts';
import {
  ensureJobLease,
  findJobLease,
  finishJobRun,
  renewJobLease,
  takeJobLease,
} from './job-lease.repository.ts';

export interface JobRun {
  /** The runner's clock at the start of this run. */
  now: number;
}

export interface JobDefinition {
  /** Unique across the deployment; the lease row's key. */
  name: string;
  everyMs: number;
  run(run: JobRun): Promise<void>;
  /** How long a run may hold the job before another node may take it (renewed while running). */
  leaseMs?: number;
}

export interface JobRunner {
  /** Who this runner is in job_leases.holder. */
  readonly holder: string;
  registerJob(job: JobDefinition): void;
  /** Runs every registered job that is due and free now; resolves with the names it ran. */
  runDue(): Promise<string[]>;
  /** Ticks on a timer until stop(). */
  start(tickMs?: number): void;
  stop(): Promise<void>;
}

const DEFAULT_LEASE_MS = 5 * 60_000;

export function createJobRunner(deps: { db: Db; clock: Clock; log: Logger; holder?: string }): JobRunner {
  const { db, clock } = deps;
  const log = deps.log.child({ component: 'jobs' });
  const holder = deps.holder ?? `node_${randomBytes(6).toString('hex')}`;
  const jobs = new Map<string, JobDefinition>();
  const known = new Set<string>();
  const notBefore = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<unknown> = Promise.resolve();
  let stopped = false;

  async function runOne(job: JobDefinition): Promise<boolean> {
    const now = clock.now();
    if (!known.has(job.name)) {
      await ensureJobLease(db, job.name, now);
      known.add(job.name);
    }
    // Known not to be takeable yet (not due, or held): skip the store until then.
    if (now < (notBefore.get(job.name) ?? 0)) return false;
    const leaseMs = job.leaseMs ?? DEFAULT_LEASE_MS;
    if (!(await takeJobLease(db, job.name, holder, now, now + leaseMs))) {
      const row = await findJobLease(db, job.name);
      if (row) notBefore.set(job.name, Math.max(Number(row.next_run_at), Number(row.lease_until)));
      return false;
    }
    const renew = setInterval(
      () => {
        renewJobLease(db, job.name, holder, clock.now() + leaseMs).catch((err) =>
          logStoreFailure(log, err, 'could not renew a job lease'),
        );
      },
      Math.max(1_000, Math.floor(leaseMs / 3)),
    );
    renew.unref();
    let error: string | null = null;
    try {
      await job.run({ now });
    } catch (err) {
      error = (err as Error).message ?? String(err);
      log.error({ err, job: job.name }, 'job failed; it runs again when next due');
    } finally {
      clearInterval(renew);
    }
    const finished = clock.now();
    await finishJobRun(db, job.name, holder, { now: finished, nextRunAt: now + job.everyMs, error });
    notBefore.set(job.name, now + job.everyMs);
    return true;
  }

  async function runDue(): Promise<string[]> {
    const ran: string[] = [];
    for (const job of jobs.values()) {
      if (stopped) break;
      if (await runOne(job)) ran.push(job.name);
    }
    return ran;
  }

  return {
    holder,
    registerJob(job) {
      if (jobs.has(job.name)) throw new Error(`job ${job.name} is already registered`);
      jobs.set(job.name, job);
    },
    runDue,
    start(tickMs = 1_000) {
      let busy = false;
      timer = setInterval(() => {
        if (busy) return; // a long run skips ticks rather than queueing them
        busy = true;
        ticking = runDue()
          .catch((err) => logStoreFailure(log, err, 'job tick failed'))
          .finally(() => {
            busy = false;
          });
      }, tickMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await ticking;
    },
  };
}
