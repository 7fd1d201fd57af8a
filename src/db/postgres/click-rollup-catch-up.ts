// The click rollup's catch-up on PostgreSQL (common/click-rollup.ts). Sequence numbers are taken in
// one order but committed in another, so the newest number is read while holding a SHARE lock on
// clicks: it waits for every transaction inserting clicks (they hold ROW EXCLUSIVE from before they
// draw a number) and lets none start, so every number up to the sequence's last value is then
// committed or never will be. The lock is held for that one read only; a click writer waits at most
// that long (and the lock gives up after LOCK_TIMEOUT rather than queue the click path behind a long
// transaction). The rollup rows and the mark then move in a second transaction that locks the mark,
// so catch-ups on several nodes take turns.
import { type Kysely, sql } from 'kysely';
import { CATCH_UP_CHUNK, clickCatchUpSql } from '../common/click-rollup.ts';
import type { Database } from '../database.types.ts';

const LOCK_TIMEOUT = '500ms';
const LOCK_NOT_AVAILABLE = '55P03';

export function createPostgresClickRollupCatchUp(db: Kysely<Database>): () => Promise<number> {
  return async () => {
    let newest: number;
    try {
      newest = await db.transaction().execute(async (trx) => {
        await sql`set local lock_timeout = ${sql.lit(LOCK_TIMEOUT)}`.execute(trx);
        await sql`lock table clicks in share mode`.execute(trx);
        const r = await sql<{
          n: string;
        }>`select case when is_called then last_value else last_value - 1 end as n
          from clicks_seq`.execute(trx);
        return Number(r.rows[0].n);
      });
    } catch (error) {
      if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE) return 0;
      throw error;
    }
    const mark = await sql<{ n: string }>`select rolled_through as n from report_click_progress
      where id = 1`.execute(db);
    if (newest - Number(mark.rows[0].n) > CATCH_UP_CHUNK) {
      // A backlog (after an import, an upgrade or downtime) lies in pages the BRIN index has not
      // summarized, and unsummarized ranges match every scan: summarized once, each chunk reads
      // its own pages instead of the whole backlog.
      await sql`select brin_summarize_new_values('clicks_seq_brin')`.execute(db);
    }
    return db.transaction().execute(async (trx) => {
      const r = await sql<{ n: string }>`select rolled_through as n from report_click_progress
        where id = 1 for update`.execute(trx);
      const from = Number(r.rows[0].n);
      const through = Math.min(newest, from + CATCH_UP_CHUNK);
      if (through <= from) return 0;
      // The chunk's clicks through the BRIN index on seq, whatever the statistics say: without them
      // (a new or just-imported table) the planner scans the whole table for each rollup.
      await sql`set local enable_seqscan = off`.execute(trx);
      const range: [string, string] = [String(from), String(through)];
      for (const text of clickCatchUpSql('seq', range)) {
        await sql.raw(text).execute(trx);
      }
      await sql`update report_click_progress set rolled_through = ${through} where id = 1`.execute(trx);
      return through - from;
    });
  };
}
