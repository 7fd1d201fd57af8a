// The conversion rollup's catch-up on PostgreSQL (migration 0026), in the click catch-up's shape
// (click-rollup-catch-up.ts). The newest conversion number is read once every number up to it is
// settled (settled-sequence.ts). A second transaction then locks the mark's table
// EXCLUSIVE (catch-ups on several nodes take turns; status changes and deletions, whose triggers
// lock it ROW SHARE, wait or are waited for: see the decision record), adds the conversions after
// the mark and moves it. Each call then folds the rollup's changes by hour into the conversion
// hours (conversion-hours-fold.ts).
import { type Kysely, sql } from 'kysely';
import { CONVERSION_CATCH_UP_CHUNK } from '../common/conversion-rollup.ts';
import type { ConversionRollup } from '../conversion-rollup.ts';
import type { Database } from '../database.types.ts';
import { foldConversionHourChanges } from './conversion-hours-fold.ts';
import { addConversionCountsSql, signedConversions } from './conversion-rollup-sql.ts';
import { lastDrawn, readNewestSettled } from './settled-sequence.ts';

const readMark = async (db: Kysely<Database>) => {
  const r = await sql<{ n: string }>`select rolled_through as n from report_conversion_progress
    where id = 1`.execute(db);
  return Number(r.rows[0].n);
};

/** The newest conversion number once every number up to it is settled; null when not had in time. */
export const readNewestSettledConversion = (db: Kysely<Database>) =>
  readNewestSettled(db, 'conversions', 'conversions_seq');

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

async function addNewConversions(db: Kysely<Database>): Promise<number> {
  // Nothing drawn since the mark: no lock on conversions at all.
  if ((await lastDrawn(db, 'conversions_seq')) <= (await readMark(db))) return 0;
  const newest = await readNewestSettledConversion(db);
  return newest === null ? 0 : rollConversionsThrough(db, newest);
}

export function createPostgresConversionRollupCatchUp(db: Kysely<Database>): ConversionRollup {
  return {
    async catchUp() {
      const added = await addNewConversions(db);
      await foldConversionHourChanges(db);
      return added;
    },
  };
}
