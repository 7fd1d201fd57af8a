// The store: the database handle for SQL that is the same on both dialects, and named interfaces
// for everything that is not, each implemented once in sqlite/ and once in postgres/. Feature code
// calls these and never asks which store it runs on, nor holds a raw driver handle.
import type { Kysely } from 'kysely';
import type { Capabilities } from './capabilities.ts';
import type { ClaimLock } from './claim.ts';
import type { ClickStorage } from './click-writer.ts';
import type { ConversionRollup } from './conversion-rollup.ts';
import type { Database } from './database.types.ts';
import { registerDriverHandles } from './driver-handles.ts';
import type { InboundWriter } from './inbound-writer.ts';
import type { QueueNotifications } from './notify.ts';
import { openPostgresStore } from './postgres/open-postgres-store.ts';
import type { PreparedLookups } from './prepared-lookup.ts';
import { openSqliteStore } from './sqlite/open-sqlite-store.ts';

export interface Store {
  readonly db: Kysely<Database>;
  readonly capabilities: Capabilities;
  /** Durable click writing: the click journal on SQLite, group commit on PostgreSQL. */
  readonly clicks: ClickStorage;
  /** How new conversions reach the conversion rollup: in their transaction, or by a catch-up. */
  readonly conversionRollup: ConversionRollup;
  /** The row lock of the delivery claim. */
  readonly claimLock: ClaimLock;
  /** Wake-ups from other processes when deliveries are queued. */
  readonly notifications: QueueNotifications;
  /** Hot one-row lookups compiled once. */
  readonly lookups: PreparedLookups;
  /** How inbound postbacks are batched into statements and transactions on this store. */
  readonly inboundWriter: InboundWriter;
  close(): Promise<void>;
}

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

/** Opens the store named by the options: embedded SQLite by default, PostgreSQL with a database URL. */
export function openStore(options: StoreOptions): Store {
  const { store, handles } = options.databaseUrl
    ? openPostgresStore(options.databaseUrl, options)
    : openSqliteStore(options);
  registerDriverHandles(store, handles);
  return store;
}
