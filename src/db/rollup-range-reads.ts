// How a store reads and groups report rollup ranges, for the queries that shape their reads to suit it.
import { sql } from 'kysely';
import type { Db } from './database.types.ts';
import { speaksPostgres } from './handle-dialect.ts';

/**
 * Whether GROUP BY sorts its input unless an index delivers it in group order (SQLite); PostgreSQL
 * groups by hash as well.
 */
export function groupsBySorting(db: Db): boolean {
  return !speaksPostgres(db);
}

/**
 * Runs statements that read a range of a report rollup and group it. PostgreSQL runs them in a
 * transaction that reads the range through the table's key and groups by hash in memory: the
 * planner chose to scan whole rollups for a third of their rows, and a scan of a table larger than
 * a quarter of shared buffers passes through a small ring, reading every page again from the OS,
 * where the key's range stays in shared buffers; and the default working memory sorted the groups
 * on disk. An open transaction is used as it is.
 */
export async function readingRollupRange<T>(db: Db, read: (db: Db) => Promise<T>): Promise<T> {
  if (!speaksPostgres(db) || db.isTransaction) return read(db);
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('enable_seqscan', 'off', true), set_config('work_mem', '32MB', true)`.execute(
      trx,
    );
    return read(trx);
  });
}

/** `expr` in any of `ranges` [from, to): numbers we planned, inlined (never user input). */
export const inRanges = (expr: string, ranges: { from: number; to: number }[]) =>
  `(${ranges.map((r) => `(${expr} >= ${r.from} and ${expr} < ${r.to})`).join(' or ')})`;

/**
 * FROM and WHERE that read the rows of `from` whose `column` lies in any of `ranges` [from, to)
 * through the column's index. SQLite scans a whole index for an OR of ranges, so it joins a list of
 * them; PostgreSQL joined to a list scans the table, and reads an OR of ranges as one bitmap.
 */
export function inKeyRanges(
  db: Db,
  from: string,
  column: string,
  ranges: { from: number; to: number }[],
): { from: string; where: string } {
  if (speaksPostgres(db)) return { from, where: inRanges(column, ranges) };
  return {
    from: `(values ${ranges.map((r) => `(${r.from}, ${r.to})`).join(', ')}) g cross join ${from}`,
    where: `${column} >= g.column1 and ${column} < g.column2`,
  };
}
