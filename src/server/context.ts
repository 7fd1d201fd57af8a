// Opens the store named by the config, migrates it, and assembles the AppContext.
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { createReachedCaps } from '../caps/reached-caps.ts';
import type { Config } from '../config/config.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { openStore, type Store, type StoreOptions } from '../db/store.ts';
import { type Clock, systemClock } from '../shared/clock.ts';
import type { AppContext } from './app-context.ts';

/** The store the config names: every command opens it through here, so all share one store. */
export function storeOptionsFor(config: Config, log: Logger): StoreOptions {
  return {
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    onConnectionError: (err) =>
      log.warn(
        { err: { message: err.message, code: (err as { code?: string }).code } },
        'database connection lost; it will be replaced',
      ),
    onCheckpointerError: (err) =>
      log.warn({ err }, 'SQLite checkpointer thread stopped; commits will checkpoint the WAL themselves'),
  };
}

export async function openMigratedStore(config: Config, log: Logger): Promise<Store> {
  const store = openStore(storeOptionsFor(config, log));
  const applied = await migrateToLatest(store.db, store.capabilities);
  if (applied.length > 0) log.info({ applied }, 'migrations applied');
  return store;
}

export function createContext(
  config: Config,
  store: Store,
  log: Logger,
  clock: Clock = systemClock,
): AppContext {
  const wakers = new Set<() => void>();
  const events = new EventEmitter().setMaxListeners(50);
  const reachedCaps = createReachedCaps({ db: store.db, clock, timeZone: config.timeZone, log, events });
  return {
    config,
    store,
    clock,
    log,
    events,
    // SmartLinks skip an offer whose cap (or the publisher's cap on it) is reached.
    offerAvailability: reachedCaps.isAvailable,
    reachedCaps,
    notifyDeliveriesQueued: () => {
      for (const wake of wakers) wake();
    },
    onDeliveriesQueued: (wake: () => void) => {
      wakers.add(wake);
      return () => wakers.delete(wake);
    },
  };
}
