// How a click batch is stored on PostgreSQL: one INSERT whose text is the same for every batch size,
// reading its rows from a single JSON parameter with json_populate_recordset (the column types come
// from the clicks table itself). Nothing is compiled per batch: JSON.stringify, native code, is the
// only per-row work on this side.
//
// Cheaper per row than Kysely's multi-row VALUES (31 parameters compiled per row) on both sides, and
// than one array per column spread by unnest() (31 polymorphic calls and function scans for the
// backend to resolve). Sent named, through the pg pool rather than Kysely, so each connection parses
// and plans it once (docs/decisions/0009-prepared-and-named-statements.md).
import type pg from 'pg';
import type { ClickTable, NewClickRow } from '../../tracking/clicks/click.table.ts';
import { rowsJson } from '../common/rows-json.ts';

/** The fixed INSERT for these columns; its one parameter is a JSON array of row objects. */
export function postgresClickInsertSql(columns: readonly (keyof ClickTable)[]): string {
  const list = columns.join(', ');
  const values = columns.map((c) => (c === 'is_unique' ? 'coalesce(is_unique, 1)' : c)).join(', ');
  return `insert into clicks (${list}) select ${values} from json_populate_recordset(null::clicks, $1::json)`;
}

/** Stores each batch in one statement (so atomically), whatever its size. */
export function createPostgresClickInserter(
  pool: pg.Pool,
  columns: readonly (keyof ClickTable)[],
): (rows: readonly NewClickRow[]) => Promise<void> {
  // Named, so each connection parses and plans it once and then only binds and executes it. (A pooler
  // in front of PostgreSQL must pass prepared statements through: PgBouncer does from 1.21 on, with
  // max_prepared_statements set.)
  const statement = { name: 'trackwire_insert_clicks', text: postgresClickInsertSql(columns) };
  return async (rows) => {
    if (rows.length === 0) return;
    await pool.query({ ...statement, values: [rowsJson(rows)] });
  };
}
