// The click rollup's catch-up on PostgreSQL (common/click-rollup.ts). The newest click number is
// read once every number up to it is settled (settled-sequence.ts); a click writer waits at most
// for that one read. The rollup rows and the mark then move in a second transaction that locks the mark,
// so catch-ups on several nodes take turns.
import { type Kysely, sql } from 'kysely';
import { CATCH_UP_CHUNK, clickCatchUpSql } from '../common/click-rollup.ts';
import type { Database } from '../database.types.ts';
import { readNewestSettled } from './settled-sequence.ts';

export function createPostgresClickRollupCatchUp(db: Kysely<Database>): () => Promise<number> {
  return async () => {
    const newest = await readNewestSettled(db, 'clicks', 'clicks_seq');
    if (newest === null) return 0;
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
