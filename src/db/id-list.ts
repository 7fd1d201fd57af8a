// A set of ids as ONE bound parameter: `column IN (…)` with thousands of placeholders costs more to
// build, compile and bind than the lookup itself, and nears both stores' parameter limits. SQLite
// reads the ids from a JSON array (json_each), PostgreSQL from an array parameter (= ANY).
//
// SQLite cannot tell how many ids the JSON array holds: beside another indexed test (`status = …`)
// it may walk that index over every matching row instead of looking the ids up. `unindexed` keeps
// such a test from being used for the lookup, so the ids decide it.
import { type Expression, type RawBuilder, sql } from 'kysely';
import type { Db } from './database.types.ts';
import { speaksPostgres } from './handle-dialect.ts';

/** `column` is one of `ids` (text or integer ids), with the whole list bound as one parameter. */
export function inIdList(
  db: Db,
  column: Expression<unknown> | RawBuilder<unknown>,
  ids: readonly (string | number)[],
): RawBuilder<boolean> {
  if (ids.length === 0) return sql<boolean>`1 = 0`;
  if (speaksPostgres(db)) {
    const type = typeof ids[0] === 'number' ? sql`bigint[]` : sql`text[]`;
    return sql<boolean>`${column} = ANY(CAST(${[...ids]} AS ${type}))`;
  }
  return sql<boolean>`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;
}

/** `column` as a value SQLite will not look up through an index (see above); as is on PostgreSQL. */
export function unindexed(db: Db, column: string): RawBuilder<unknown> {
  return speaksPostgres(db) ? sql`${sql.ref(column)}` : sql`+${sql.ref(column)}`;
}
