// The SQLite store: one connection on a file in WAL, its statements cached, clicks written through
// the click journal behind the store's read barrier, and a background checkpointer thread.

import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { Database } from '../database.types.ts';
import type { DriverHandles } from '../driver-handles.ts';
import type { QueueListener } from '../notify.ts';
import type { Store, StoreOptions } from '../store.ts';
import { SQLITE_CAPABILITIES } from './capabilities.ts';
import { SQLITE_CLAIM_LOCK } from './claim-lock.ts';
import { createSqliteClickRollupCatchUp } from './click-rollup-catch-up.ts';
import { createJournalClickWriter } from './click-writer.ts';
import { runPreparedQueriesDirectly } from './direct-statements.ts';
import { SQLITE_INBOUND_WRITER } from './inbound-writer.ts';
import { sqlitePreparedLookups } from './prepared-lookups.ts';
import { ReadBarrier } from './read-barrier.ts';
import { SharedFileSqliteDialect } from './sqlite-dialect.ts';
import { withStatementCache } from './statement-cache.ts';

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

/** No wake-ups between processes on SQLite: the in-process wake-up and polling cover them. */
const NOT_LISTENING: QueueListener = Object.freeze({ close: async () => {} });

export function openSqliteStore(options: StoreOptions): { store: Store; handles: DriverHandles } {
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
  // Clicks are answered from the journal before they are in SQLite: every statement outside a
  // transaction passes this barrier, which imports them first (read-barrier.ts).
  const readBarrier = new ReadBarrier();
  const statements = withStatementCache(sqlite, readBarrier);
  const db = new Kysely<Database>({
    dialect: new SharedFileSqliteDialect({ database: statements }, sqlite),
  });
  runPreparedQueriesDirectly(db, { sqlite, prepare: (sql) => statements.prepare(sql) });
  const catchUpRollup = createSqliteClickRollupCatchUp(sqlite);
  const store: Store = {
    db,
    capabilities: SQLITE_CAPABILITIES,
    clicks: {
      openWriter: (log, writerOptions) => createJournalClickWriter(sqlite, readBarrier, log, writerOptions),
      catchUpRollup: async () => catchUpRollup(),
    },
    // The per-row triggers (migration 0009) add each conversion in the transaction that writes it.
    conversionRollup: { catchUp: async () => 0 },
    claimLock: SQLITE_CLAIM_LOCK,
    inboundWriter: SQLITE_INBOUND_WRITER,
    notifications: { listenForDeliveries: () => NOT_LISTENING },
    lookups: sqlitePreparedLookups(db, sqlite),
    async close() {
      await stopCheckpointer();
      await db.destroy();
    },
  };
  return { store, handles: { sqlite } };
}
