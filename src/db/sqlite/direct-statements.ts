// Prepared queries (../prepared-query.ts) on SQLite run straight on their SQL's cached statement when
// that is what Kysely would end up doing: a transaction's own queries (it already holds the store's
// one connection), and any other query while no transaction is open (it runs as a statement of its
// own). Kysely's way there (its connection provider, the driver's lock, the busy-waiting wrapper)
// adds only promise hops, and an accepted inbound postback runs seven of these statements. A query
// from outside an open transaction still goes through Kysely, which makes it wait until the
// transaction ends instead of joining it; so does one that finds another process holding the write
// lock, which Kysely's way waits out without blocking the event loop.
import type SQLite from 'better-sqlite3';
import type { Kysely, QueryResult } from 'kysely';
import type { Database, Db } from '../database.types.ts';
import { isBusy } from './sqlite-dialect.ts';

export interface DirectSqlite {
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
export function runDirectly<R>(
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

/** The direct statements of the store behind `adapter`, when it is SQLite. */
export function sqliteStatementsOf(adapter: object): DirectSqlite | undefined {
  return directByAdapter.get(adapter);
}
