// The conversion rollup's catch-up on PostgreSQL (migration 0026), in the click catch-up's shape
// (click-rollup-catch-up.ts). The newest conversion number is read under a momentary SHARE lock on
// conversions, which waits for every transaction writing conversions and lets none start, so every
// number up to it is committed or never will be; it gives up after LOCK_TIMEOUT rather than queue
// the inbound writers behind a long transaction. A second transaction then locks the mark's table
// EXCLUSIVE (catch-ups on several nodes take turns; status changes and deletions, whose triggers
// lock it ROW SHARE, wait or are waited for: see the decision record), adds the conversions after
// the mark and moves it.
import { type Kysely, sql } from 'kysely';
import { CONVERSION_CATCH_UP_CHUNK } from '../common/conversion-rollup.ts';
import type { ConversionRollup } from '../conversion-rollup.ts';
import type { Database } from '../database.types.ts';
import { addConversionCountsSql, signedConversions } from './conversion-rollup-sql.ts';

const LOCK_TIMEOUT = '500ms';
const LOCK_NOT_AVAILABLE = '55P03';

const readMark = async (db: Kysely<Database>) => {
  const r = await sql<{ n: string }>`select rolled_through as n from report_conversion_progress
    where id = 1`.execute(db);
  return Number(r.rows[0].n);
};

const lastDrawn = sql<{ n: string }>`select case when is_called then last_value else last_value - 1 end as n
  from conversions_seq`;

/**
 * The newest conversion number, once every number up to it is committed or never will be; null
 * when the lock was not had within LOCK_TIMEOUT.
 */
export async function readNewestSettledConversion(db: Kysely<Database>): Promise<number | null> {
  try {
    return await db.transaction().execute(async (trx) => {
      await sql`set local lock_timeout = ${sql.lit(LOCK_TIMEOUT)}`.execute(trx);
      await sql`lock table conversions in share mode`.execute(trx);
      return Number((await lastDrawn.execute(trx)).rows[0].n);
    });
  } catch (error) {
    if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE) return null;
    throw error;
  }
}

/** Adds the conversions after the mark, up to `newest` and at most a chunk, and moves the mark. */
export function rollConversionsThrough(db: Kysely<Database>, newest: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`lock table report_conversion_progress in exclusive mode`.execute(trx);
    const from = await readMark(trx);
    const through = Math.min(newest, from + CONVERSION_CATCH_UP_CHUNK);
    if (through <= from) return 0;
    // Numbers we drew, inlined.
    const added = signedConversions('conversions', 1, `seq > ${from} and seq <= ${through}`);
    await sql.raw(addConversionCountsSql(added)).execute(trx);
    await sql`update report_conversion_progress set rolled_through = ${through} where id = 1`.execute(trx);
    return through - from;
  });
}

export function createPostgresConversionRollupCatchUp(db: Kysely<Database>): ConversionRollup {
  return {
    async catchUp() {
      // Nothing drawn since the mark: no lock on conversions at all.
      if (Number((await lastDrawn.execute(db)).rows[0].n) <= (await readMark(db))) return 0;
      const newest = await readNewestSettledConversion(db);
      return newest === null ? 0 : rollConversionsThrough(db, newest);
    },
  };
}
