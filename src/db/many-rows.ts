// Reading many small rows. better-sqlite3 builds each row's object in native code, which costs
// several times what SQLite spends reading them: SQLite hands the rows over as one JSON text
// instead, which JSON.parse turns into objects faster. PostgreSQL's driver gains nothing by it.
import { type RawBuilder, sql } from 'kysely';
import type { Db } from './database.types.ts';
import { speaksPostgres } from './handle-dialect.ts';

/**
 * The rows of `query`, whose columns are `columns` (plain names): numbers, text or null, read back
 * as they are (SQLite writes a real in JSON as the shortest text that reads back the same).
 */
export async function readManyRows<T>(
  db: Db,
  query: RawBuilder<T>,
  columns: readonly string[],
): Promise<T[]> {
  if (speaksPostgres(db)) return (await query.execute(db)).rows;
  const fields = columns.map((c) => `'${c}', x.${c}`).join(', ');
  const { rows } = await sql<{
    rows: string;
  }>`select json_group_array(json_object(${sql.raw(fields)})) as rows
    from (${query}) x`.execute(db);
  return JSON.parse(rows[0].rows) as T[];
}
