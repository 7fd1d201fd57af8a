// Opens the store named by the config: embedded SQLite by default, PostgreSQL with DATABASE_URL.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { type Capabilities, POSTGRES_CAPABILITIES, SQLITE_CAPABILITIES } from './capabilities.ts';
import type { Database } from './database.types.ts';

export interface Store {
  readonly db: Kysely<Database>;
  readonly capabilities: Capabilities;
  /** The raw SQLite handle, for the few hot paths that bypass query building (absent on PostgreSQL). */
  readonly sqlite?: SQLite.Database;
  /** The PostgreSQL connection string, for LISTEN connections (absent on SQLite). */
  readonly postgresUrl?: string;
  close(): Promise<void>;
}

// BIGINT columns hold millisecond timestamps and ids well inside 2^53: read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.FLOAT8, (v) => Number(v));

export interface StoreOptions {
  databaseUrl?: string;
  /** SQLite file; ':memory:' for a throwaway store. */
  sqlitePath?: string;
  dataDir?: string;
  poolSize?: number;
  /** Told when an idle PostgreSQL connection fails (the store recovers by itself). */
  onIdleConnectionError?: (error: Error) => void;
}

export function openSqlite(path: string): SQLite.Database {
  const sqlite = new SQLite(path);
  // WAL + synchronous=NORMAL: a commit is durable against a process crash and fast enough to
  // commit every click batch; busy_timeout covers a CLI command running beside the server.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  return sqlite;
}

export function openStore(options: StoreOptions): Store {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // An idle connection that the server drops (restart, failover, admin kill) is an 'error' on the
    // pool; unheard, it would kill the process. The pool replaces it on the next checkout.
    pool.on('error', (error) => options.onIdleConnectionError?.(error));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      capabilities: POSTGRES_CAPABILITIES,
      postgresUrl: options.databaseUrl,
      close: () => db.destroy(),
    };
  }
  let path = options.sqlitePath;
  if (!path) {
    const dir = options.dataDir ?? './data';
    mkdirSync(dir, { recursive: true });
    path = join(dir, 'trackwire.sqlite');
  }
  const sqlite = openSqlite(path);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, capabilities: SQLITE_CAPABILITIES, sqlite, close: () => db.destroy() };
}
