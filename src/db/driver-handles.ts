// The raw driver handles behind a store, for tests and benchmarks that set up or inspect what the
// store's interfaces do not reach. Feature code never imports this (.dependency-cruiser.cjs).
import type SQLite from 'better-sqlite3';
import type pg from 'pg';
import type { Store } from './store.ts';

export interface DriverHandles {
  sqlite?: SQLite.Database;
  postgres?: pg.Pool;
}

const handles = new WeakMap<Store, DriverHandles>();

export function registerDriverHandles(store: Store, driverHandles: DriverHandles): void {
  handles.set(store, driverHandles);
}

/** The store's SQLite connection; throws on PostgreSQL. */
export function sqliteHandleOf(store: Store): SQLite.Database {
  const sqlite = handles.get(store)?.sqlite;
  if (!sqlite) throw new Error('the store is not SQLite');
  return sqlite;
}

/** The store's PostgreSQL pool; throws on SQLite. */
export function postgresPoolOf(store: Store): pg.Pool {
  const pool = handles.get(store)?.postgres;
  if (!pool) throw new Error('the store is not PostgreSQL');
  return pool;
}
