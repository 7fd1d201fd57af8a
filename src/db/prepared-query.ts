// Hot query shapes built and compiled once instead of on every call. Kysely builds an operation
// tree and compiles it to SQL for each query, which costs more than SQLite takes to run a primary
// key lookup; a query that only ever changes its values can reuse the compiled SQL. The query is
// built with placeholder values, compiled once per dialect (adapter), and each call swaps the
// caller's values into the compiled parameter list. Works on every store: only the dialect's own
// compiler produces the SQL. (On SQLite the driver also reuses the prepared statement for that SQL.)
//
// On PostgreSQL the SQL is sent as a named statement (named-statements.ts): each connection parses
// and plans it once. A named statement's result columns are fixed when it is prepared, so a query
// here names its columns instead of selecting or returning *: a column that a newer release's
// migration, run by another node, adds to the table would otherwise fail every later execution on
// connections that prepared it ("cached plan must not change result type").
//
// On SQLite the query runs straight on that SQL's cached statement when that is what Kysely would
// end up doing: a transaction's own queries (it already holds the store's one connection), and any
// other query while no transaction is open (it runs as a statement of its own). Kysely's way there
// (its connection provider, the driver's lock, the busy-waiting wrapper) adds only promise hops,
// and an accepted inbound postback runs seven of these statements. A query from outside an open
// transaction still goes through Kysely, which makes it wait until the transaction ends instead of
// joining it; so does one that finds another process holding the write lock, which Kysely's way
// waits out without blocking the event loop.
import type SQLite from 'better-sqlite3';
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database, Db } from './database.types.ts';
import { nameStatement } from './named-statements.ts';
import { isBusy } from './sqlite-dialect.ts';

interface DirectSqlite {
  sqlite: SQLite.Database;
  /** The statement for `sql` from the store's statement cache. */
  prepare(sql: string): SQLite.Statement;
}

// Keyed by the store's adapter, which its transactions share.
const directByAdapter = new WeakMap<object, DirectSqlite>();

/** Lets prepared queries on `db` and its transactions run on `sqlite` directly (see above). */
export function runPreparedQueriesDirectly(db: Kysely<Database>, direct: DirectSqlite): void {
  directByAdapter.set(db.getExecutor().adapter, direct);
}

/** As Kysely's SQLite driver runs a statement, minus the way to the connection. */
function runStatement<R>(direct: DirectSqlite, sql: string, parameters: unknown[]): QueryResult<R> {
  const statement = direct.prepare(sql);
  if (statement.reader) return { rows: statement.all(parameters) as R[] };
  const { changes, lastInsertRowid } = statement.run(parameters);
  return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
}

/** The query straight on the connection, or undefined when it must go Kysely's way (see above). */
function runDirectly<R>(
  db: Db,
  direct: DirectSqlite,
  sql: string,
  parameters: unknown[],
): Promise<QueryResult<R>> | undefined {
  // A transaction handle kept past its commit finds no transaction open and goes Kysely's way.
  if (db.isTransaction !== direct.sqlite.inTransaction) return undefined;
  try {
    return Promise.resolve(runStatement<R>(direct, sql, parameters));
  } catch (error) {
    // Busy can only come from another process, and only outside a transaction (ours begin
    // IMMEDIATE, taking the lock up front): nothing ran, and Kysely's way waits it out.
    if (!db.isTransaction && isBusy(error)) return undefined;
    return Promise.reject(error);
  }
}

class Slot {
  constructor(readonly index: number) {}
}

interface Compiled {
  sql: string;
  query: CompiledQuery['query'];
  /** Per compiled parameter: the caller's argument index, or a constant kept from the build. */
  params: ({ slot: number } | { value: unknown })[];
}

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
  const slots = Array.from({ length: arity }, (_, i) => new Slot(i));
  return (db, ...args) => {
    const adapter = db.getExecutor().adapter;
    let compiled = byAdapter.get(adapter);
    if (!compiled) {
      const query = build(db, ...slots).compile();
      if (/\b(select|returning) \*/i.test(query.sql))
        throw new Error(`a prepared query must name its columns, not select or return *: ${query.sql}`);
      compiled = {
        sql: query.sql,
        query: query.query,
        params: query.parameters.map((p) => (p instanceof Slot ? { slot: p.index } : { value: p })),
      };
      byAdapter.set(adapter, compiled);
      nameStatement(compiled.sql);
    }
    const parameters = compiled.params.map((p) => ('slot' in p ? args[p.slot] : p.value));
    const direct = directByAdapter.get(adapter);
    const ran = direct && runDirectly<R>(db, direct, compiled.sql, parameters);
    if (ran) return ran;
    return db.executeQuery<R>({
      sql: compiled.sql,
      query: compiled.query,
      parameters,
      queryId: { queryId: '' },
    } as CompiledQuery<R>);
  };
}
