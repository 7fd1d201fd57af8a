import type { Selectable } from 'kysely';

/** One periodic job: who holds it, until when, and when it is next due. */
export interface JobLeaseTable {
  name: string;
  holder: string | null;
  lease_until: number;
  next_run_at: number;
  last_started_at: number | null;
  last_finished_at: number | null;
  last_error: string | null;
}
export type JobLeaseRow = Selectable<JobLeaseTable>;
