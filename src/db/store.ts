// Opens the store named by the config: embedded SQLite by default, PostgreSQL with DATABASE_URL.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type Capabilities, POSTGRES_CAPABILITIES, SQLITE_CAPABILITIES } from './capabilities.ts';
import type { Database } from './database.types.ts';
import type { InboundWriter } from './inbound-writer.ts';
import { withNamedStatements } from './named-statements.ts';
import { POSTGRES_INBOUND_WRITER } from './postgres/inbound-writer.ts';
import { runPreparedQueriesDirectly } from './prepared-query.ts';
import { SQLITE_INBOUND_WRITER } from './sqlite/inbound-writer.ts';
import { SharedFileSqliteDialect } from './sqlite-dialect.ts';
import { withStatementCache } from './statement-cache.ts';
import { WriteBehind } from './write-behind.ts';

export interface Store {
  readonly db: Kysely<Database>;
  readonly capabilities: Capabilities;
  /** How inbound postbacks are batched into statements and transactions on this store. */
  readonly inboundWriter: InboundWriter;
  /** The raw SQLite handle, for the few hot paths that bypass query building (absent on PostgreSQL). */
  readonly sqlite?: SQLite.Database;
  /** The PostgreSQL connection string, for LISTEN connections (absent on SQLite). */
  readonly postgresUrl?: string;
  /** The PostgreSQL pool, for the few hot paths that send named prepared statements (absent on SQLite). */
  readonly postgres?: pg.Pool;
  /** Rows written into SQLite after the fact, before any statement that could read them (absent on PostgreSQL). */
  readonly writeBehind?: WriteBehind;
  close(): Promise<void>;
}

// BIGINT columns hold millisecond timestamps and ids well inside 2^53: read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.FLOAT8, (v) => Number(v));

const POSTGRES_CONNECT_TIMEOUT_MS = 5_000;

export interface StoreOptions {
  databaseUrl?: string;
  /** SQLite file; ':memory:' for a throwaway store. */
  sqlitePath?: string;
  dataDir?: string;
  poolSize?: number;
  /** How long a new PostgreSQL connection, or a wait for a pooled one, may take (default 5 s). */
  connectTimeoutMs?: number;
  /** Told when a PostgreSQL connection fails, idle or in use (the store recovers by itself). */
  onConnectionError?: (error: Error) => void;
  /** Told when SQLite's background checkpointer stops (commits then checkpoint by themselves). */
  onCheckpointerError?: (error: Error) => void;
}

export function openSqlite(path: string): SQLite.Database {
  const sqlite = new SQLite(path);
  // WAL + synchronous=NORMAL: a commit is durable against a process crash and costs no fsync;
  // busy_timeout covers a CLI command running beside the server.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // 16 MB of page cache instead of 2 MB: the hot index pages (clicks, conversions' dedupe keys, the
  // postback log) stay in memory; more gains nothing and counts against every process.
  sqlite.pragma('cache_size = -16384');
  // Write path: a commit appends its pages to the WAL and nothing more. Checkpoints (copying the WAL
  // back and syncing the file) happen in a background thread (see startCheckpointer). While commits
  // keep coming that thread never catches up with the newest frame, so SQLite never starts the WAL
  // over: it grows to these 20 000 pages (80 MB), and the committing connection then runs the
  // automatic checkpoint itself (fsyncs included), after which the WAL starts over. Having the
  // thread start it over instead is no better (docs/decisions/0004-sqlite-wal-and-checkpointer.md).
  sqlite.pragma('wal_autocheckpoint = 20000');
  sqlite.pragma('temp_store = MEMORY');
  return sqlite;
}

// The checkpointer runs in its own thread with its own connection: a PASSIVE checkpoint never
// blocks writers, and its copying and fsync cost the event loop nothing. Plain JS so the thread
// needs no TypeScript loader.
//
// It runs often (every 100 ms) so that each checkpoint is small. On ext4, a checkpoint's fsync of
// the database file commits the filesystem journal, and the event loop's WAL writes wait for that
// commit: the more a checkpoint copies, the longer they wait, which is what click p99 shows
// (docs/decisions/0004-sqlite-wal-and-checkpointer.md).
const CHECKPOINTER_SOURCE = `
const { workerData } = require('node:worker_threads');
const SQLite = require(workerData.sqliteModule);
const db = new SQLite(workerData.path);
db.pragma('busy_timeout = 5000');
setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
}, workerData.everyMs);
`;

/** Checkpoints a file database's WAL every `everyMs` in a worker thread; returns its stopper. */
function startCheckpointer(
  sqlite: SQLite.Database,
  onError: (error: Error) => void = () => {},
  everyMs = 100,
): () => Promise<void> {
  if (sqlite.memory) return async () => {};
  // An eval'd thread resolves bare module names from the working directory, which need not be ours.
  const sqliteModule = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(CHECKPOINTER_SOURCE, {
    eval: true,
    workerData: { path: sqlite.name, everyMs, sqliteModule },
  });
  worker.unref();
  worker.on('error', onError); // the automatic checkpoint remains if the thread dies
  return async () => {
    await worker.terminate();
  };
}

export function openStore(options: StoreOptions): Store {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      // A server that stops answering (a failover moving its address) fails requests, never hangs them.
      connectionTimeoutMillis: options.connectTimeoutMs ?? POSTGRES_CONNECT_TIMEOUT_MS,
      keepAlive: true,
    });
    // A connection the server drops (restart, failover, admin kill) emits 'error' on its client, and
    // unheard that kills the process. The pool listens only while the client is idle, so every
    // client gets a listener of its own for the time it is checked out; the statement it was
    // running fails, and the pool discards the client when it comes back and connects a new one.
    pool.on('connect', (client) => {
      client.on('error', (error) => options.onConnectionError?.(error));
    });
    // The client's own listener has reported it; the pool's 'error' only needs a listener.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: withNamedStatements(pool) }) });
    return {
      db,
      capabilities: POSTGRES_CAPABILITIES,
      inboundWriter: POSTGRES_INBOUND_WRITER,
      postgresUrl: options.databaseUrl,
      postgres: pool,
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
  // Other processes write to this file too (a `trackwire worker`, CLI commands): the dialect waits
  // for their locks without blocking the event loop, which needs SQLite's own wait off. The few
  // raw-handle writers wait the same way (waitOutBusy).
  sqlite.pragma('busy_timeout = 0');
  const stopCheckpointer = startCheckpointer(sqlite, options.onCheckpointerError);
  const writeBehind = new WriteBehind();
  const statements = withStatementCache(sqlite, writeBehind);
  const db = new Kysely<Database>({
    dialect: new SharedFileSqliteDialect({ database: statements }, sqlite),
  });
  runPreparedQueriesDirectly(db, { sqlite, prepare: (sql) => statements.prepare(sql) });
  const close = async () => {
    await stopCheckpointer();
    await db.destroy();
  };
  return {
    db,
    capabilities: SQLITE_CAPABILITIES,
    inboundWriter: SQLITE_INBOUND_WRITER,
    sqlite,
    writeBehind,
    close,
  };
}
