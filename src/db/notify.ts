// Commit-time wake-ups for other processes. The one place that knows which dialect a handle speaks,
// so feature code can say "wake the workers" inside its transaction without asking "is this SQLite?".
import { type Kysely, PostgresAdapter, sql } from 'kysely';
import { type Capabilities, POSTGRES_CAPABILITIES, SQLITE_CAPABILITIES } from './capabilities.ts';
import type { Db } from './database.types.ts';

/** Channel the delivery workers LISTEN on; a notification means "new deliveries are due". */
export const DELIVERIES_CHANNEL = 'trackwire_deliveries';

/** The capabilities of the store behind a handle or an open transaction. */
export function capabilitiesOf(db: Db): Capabilities {
  // Transactions carry their parent's adapter, so this works on either kind of handle.
  const adapter = (db as Kysely<unknown>).getExecutor().adapter;
  return adapter instanceof PostgresAdapter ? POSTGRES_CAPABILITIES : SQLITE_CAPABILITIES;
}

/**
 * Queues a notification on `channel`. Inside a transaction PostgreSQL delivers it at commit (and
 * drops it on rollback), which is exactly when a worker may see the rows. A no-op where the store
 * has no LISTEN/NOTIFY: the in-process wake-up and the polling fallback cover those stores.
 */
export async function notifyChannel(db: Db, channel: string, payload = ''): Promise<void> {
  if (!capabilitiesOf(db).listenNotify) return;
  if (db.isTransaction) {
    // PostgreSQL delivers one notification per channel and payload at commit however many were
    // queued, so a transaction that queues many (a batch of conversions) spends one round trip.
    const key = `${channel}\u0000${payload}`;
    const queued = queuedIn.get(db) ?? new Set<string>();
    if (queued.has(key)) return;
    queued.add(key);
    queuedIn.set(db, queued);
  }
  await sql`select pg_notify(${channel}, ${payload})`.execute(db);
}

/** The notifications each open transaction has queued (a transaction handle lives until it ends). */
const queuedIn = new WeakMap<Db, Set<string>>();
