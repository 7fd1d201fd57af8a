// Many rows inserted without building a statement per batch. Kysely builds and compiles a multi-row
// VALUES list anew for every batch, a placeholder per cell (1 000 attempt rows are 16 000), which
// costs more than the store takes to write the rows.
// - PostgreSQL: one statement whose text never changes and whose one parameter is a JSON array of
//   the rows, read with json_populate_recordset (each column's type comes from the table itself).
// - SQLite: statements of 64, 32, …, 1 rows, each compiled once and run from the statement cache;
//   any batch is a run of the largest and at most one of each smaller. (Reading a JSON parameter
//   is slower there: json_each hands each row over as text that every column re-parses.)
import { type RawBuilder, sql } from 'kysely';
import { rowsJson } from './common/rows-json.ts';
import type { Database, Db } from './database.types.ts';
import { speaksPostgres } from './handle-dialect.ts';
import { preparedQuery } from './prepared-query.ts';

type Columns<T extends keyof Database> = readonly (keyof Database[T] & string)[];
type Insert = (db: Db, rows: readonly Record<string, unknown>[]) => Promise<void>;

const SQLITE_CHUNKS = [64, 32, 16, 8, 4, 2, 1];

function postgresInsert<T extends keyof Database>(table: T, columns: Columns<T>): Insert {
  const list = sql.join(columns.map((c) => sql.ref(c)));
  const statement = (json: string): RawBuilder<unknown> =>
    sql`insert into ${sql.table(table)} (${list}) select ${list}
      from json_populate_recordset(null::${sql.table(table)}, ${json}::json)`;
  return async (db, rows) => {
    await statement(rowsJson(rows)).execute(db);
  };
}

function sqliteInsert<T extends keyof Database>(table: T, columns: Columns<T>): Insert {
  const width = columns.length;
  const byCount = new Map(
    SQLITE_CHUNKS.map((count) => [
      count,
      preparedQuery(count * width, (db, ...slots) =>
        db
          .insertInto(table)
          .values(
            Array.from({ length: count }, (_, r) =>
              Object.fromEntries(columns.map((c, i) => [c, slots[r * width + i]])),
            ) as never,
          ),
      ),
    ]),
  );
  return async (db, rows) => {
    let at = 0;
    for (const count of SQLITE_CHUNKS) {
      const insert = byCount.get(count) as NonNullable<ReturnType<typeof byCount.get>>;
      for (; rows.length - at >= count; at += count) {
        const values: unknown[] = new Array(count * width);
        for (let r = 0; r < count; r++) {
          const row = rows[at + r];
          for (let i = 0; i < width; i++) values[r * width + i] = row[columns[i]] ?? null;
        }
        await insert(db, ...values);
      }
    }
  };
}

const inserts = new Map<string, { sqlite: Insert; postgres: Insert }>();

/** Inserts `rows` (plain values, no expressions) into `columns` of `table`; a missing value is null. */
export async function insertRows<T extends keyof Database>(
  db: Db,
  table: T,
  columns: Columns<T>,
  rows: readonly object[],
): Promise<void> {
  if (rows.length === 0) return;
  const key = `${table}(${columns.join(',')})`;
  let insert = inserts.get(key);
  if (!insert) {
    insert = { sqlite: sqliteInsert(table, columns), postgres: postgresInsert(table, columns) };
    inserts.set(key, insert);
  }
  await (speaksPostgres(db) ? insert.postgres : insert.sqlite)(db, rows as Record<string, unknown>[]);
}
