// SQL of the periodic job leases. Taking a lease is one conditional UPDATE, atomic on both stores:
// of two nodes asking at once, exactly one sees a row changed.
import type { Db } from '../db/database.types.ts';
import type { JobLeaseRow } from './job-lease.table.ts';

export async function ensureJobLease(db: Db, name: string, firstRunAt: number): Promise<void> {
  await db
    .insertInto('job_leases')
    .values({ name, holder: null, lease_until: 0, next_run_at: firstRunAt })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

/** Takes the job when it is due and nobody holds an unexpired lease on it; true when taken. */
export async function takeJobLease(db: Db, name: string, holder: string, now: number, leaseUntil: number) {
  const result = await db
    .updateTable('job_leases')
    .set({ holder, lease_until: leaseUntil, last_started_at: now })
    .where('name', '=', name)
    .where('next_run_at', '<=', now)
    .where('lease_until', '<=', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Extends a lease this holder still has; false when it was lost (expired and taken by another). */
export async function renewJobLease(db: Db, name: string, holder: string, leaseUntil: number) {
  const result = await db
    .updateTable('job_leases')
    .set({ lease_until: leaseUntil })
    .where('name', '=', name)
    .where('holder', '=', holder)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Gives the lease back and sets the next due time. */
export async function finishJobRun(
  db: Db,
  name: string,
  holder: string,
  values: { now: number; nextRunAt: number; error: string | null },
): Promise<void> {
  await db
    .updateTable('job_leases')
    .set({
      lease_until: 0,
      next_run_at: values.nextRunAt,
      last_finished_at: values.now,
      last_error: values.error,
    })
    .where('name', '=', name)
    .where('holder', '=', holder)
    .execute();
}

export function findJobLease(db: Db, name: string): Promise<JobLeaseRow | undefined> {
  return db.selectFrom('job_leases').selectAll().where('name', '=', name).executeTakeFirst();
}

export function listJobLeases(db: Db): Promise<JobLeaseRow[]> {
  return db.selectFrom('job_leases').selectAll().orderBy('name').execute();
}
