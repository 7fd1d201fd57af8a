// Hot query shapes built and compiled once instead of on every call. Kysely builds an operation
// tree and compiles it to SQL for each query, which costs more than SQLite takes to run a primary
// key lookup; a query that only ever changes its values can reuse the compiled SQL. The query is
// built with placeholder values, compiled once per dialect (adapter), and each call swaps the
// caller's values into the compiled parameter list. Works on every store: only the dialect's own
// compiler produces the SQL. (On SQLite the driver also reuses the prepared statement for that SQL.)
//
// On PostgreSQL the SQL is sent as a named statement (postgres/named-statements.ts): each
// connection parses and plans it once. A named statement's result columns are fixed when it is
// prepared, so a query here names its columns instead of selecting or returning *: a column that a
// newer release's migration, run by another node, adds to the table would otherwise fail every
// later execution on connections that prepared it ("cached plan must not change result type").
//
// On SQLite the query runs straight on that SQL's cached statement when that is what Kysely would
// end up doing (sqlite/direct-statements.ts).
import type { Compilable, QueryResult } from 'kysely';
import {
  type Compiled,
  compileWithPlaceholders,
  executeCompiled,
  parametersOf,
} from './common/compiled-query.ts';
import type { Db } from './database.types.ts';
import { nameStatement } from './postgres/named-statements.ts';
import { runDirectly, sqliteStatementsOf } from './sqlite/direct-statements.ts';

/**
 * `build` receives the handle and one placeholder per argument (typed `any` so it fits any column);
 * it must produce the same shape whatever the values are (no branching on them).
 */
export function preparedQuery<A extends readonly unknown[], R>(
  arity: A['length'],
  // biome-ignore lint/suspicious/noExplicitAny: placeholders stand in for values of any column type
  build: (db: Db, ...slots: any[]) => Compilable<R>,
): (db: Db, ...args: A) => Promise<QueryResult<R>> {
  const byAdapter = new WeakMap<object, Compiled>();
  return (db, ...args) => {
    const adapter = db.getExecutor().adapter;
    let compiled = byAdapter.get(adapter);
    if (!compiled) {
      compiled = compileWithPlaceholders(db, arity, build);
      byAdapter.set(adapter, compiled);
      nameStatement(compiled.sql);
    }
    const parameters = parametersOf(compiled, args);
    const direct = sqliteStatementsOf(adapter);
    const ran = direct && runDirectly<R>(db, direct, compiled.sql, parameters);
    if (ran) return ran;
    return executeCompiled<R>(db, compiled, parameters);
  };
}
