// The PostgreSQL store: a pool sending the prepared queries' SQL as named statements, clicks
// committed in groups, LISTEN/NOTIFY wake-ups, and row locks that concurrent claimers skip.

import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../database.types.ts';
import type { DriverHandles } from '../driver-handles.ts';
import type { Store, StoreOptions } from '../store.ts';
import { POSTGRES_CAPABILITIES } from './capabilities.ts';
import { POSTGRES_CLAIM_LOCK } from './claim-lock.ts';
import { createPostgresClickRollupCatchUp } from './click-rollup-catch-up.ts';
import { createGroupCommitClickWriter } from './click-writer.ts';
import { createPostgresConversionRollupCatchUp } from './conversion-rollup-catch-up.ts';
import { POSTGRES_INBOUND_WRITER } from './inbound-writer.ts';
import { withNamedStatements } from './named-statements.ts';
import { postgresPreparedLookups } from './prepared-lookups.ts';
import { listenForQueuedDeliveries } from './queue-listener.ts';

// BIGINT columns hold millisecond timestamps and ids well inside 2^53: read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.FLOAT8, (v) => Number(v));

const POSTGRES_CONNECT_TIMEOUT_MS = 5_000;

export function openPostgresStore(
  url: string,
  options: StoreOptions,
): { store: Store; handles: DriverHandles } {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // A server that stops answering (a failover moving its address) fails requests, never hangs them.
    connectionTimeoutMillis: options.connectTimeoutMs ?? POSTGRES_CONNECT_TIMEOUT_MS,
    keepAlive: true,
    // No JIT compilation: it costs hundreds of milliseconds per statement, more than any query here
    // takes, and estimates such as the reports' raw tail after the rollup mark overshoot its cost bar.
    options: '-c jit=off',
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
  const store: Store = {
    db,
    capabilities: POSTGRES_CAPABILITIES,
    clicks: {
      openWriter: (log) => createGroupCommitClickWriter(pool, log),
      catchUpRollup: createPostgresClickRollupCatchUp(db),
    },
    conversionRollup: createPostgresConversionRollupCatchUp(db),
    claimLock: POSTGRES_CLAIM_LOCK,
    inboundWriter: POSTGRES_INBOUND_WRITER,
    notifications: { listenForDeliveries: (onWake, log) => listenForQueuedDeliveries(url, onWake, log) },
    lookups: postgresPreparedLookups(db),
    close: () => db.destroy(),
  };
  return { store, handles: { postgres: pool } };
}
