// The newest number a table's sequence has handed out, once every number up to it is committed or
// never will be (the catch-ups of the click and conversion rollups). Sequence numbers are taken in
// one order and committed in another, so the number is read under a momentary SHARE lock on the
// table: it waits for every transaction writing the table (they hold ROW EXCLUSIVE from before they
// draw a number) and lets none start. The lock gives up after LOCK_TIMEOUT rather than queue the
// writers behind a long transaction.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.types.ts';

const LOCK_TIMEOUT = '500ms';
const LOCK_NOT_AVAILABLE = '55P03';

/** The last number `sequence` handed out, committed or not. */
export async function lastDrawn(db: Kysely<Database>, sequence: string): Promise<number> {
  const r = await sql<{ n: string }>`select case when is_called then last_value else last_value - 1 end as n
    from ${sql.table(sequence)}`.execute(db);
  return Number(r.rows[0].n);
}

/** The newest settled number of `table`'s `sequence`; null when the lock was not had in time. */
export async function readNewestSettled(
  db: Kysely<Database>,
  table: string,
  sequence: string,
): Promise<number | null> {
  try {
    return await db.transaction().execute(async (trx) => {
      await sql`set local lock_timeout = ${sql.lit(LOCK_TIMEOUT)}`.execute(trx);
      await sql`lock table ${sql.table(table)} in share mode`.execute(trx);
      return lastDrawn(trx, sequence);
    });
  } catch (error) {
    if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE) return null;
    throw error;
  }
}
