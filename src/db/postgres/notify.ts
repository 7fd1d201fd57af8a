// NOTIFY on PostgreSQL: inside a transaction the server delivers it at commit, and drops it on
// rollback.
import { sql } from 'kysely';
import type { Db } from '../database.types.ts';

/** Channel the delivery workers LISTEN on; a notification means "new deliveries are due". */
export const DELIVERIES_CHANNEL = 'trackwire_deliveries';

/** Queues a notification on `channel`. */
export async function queueNotification(db: Db, channel: string, payload = ''): Promise<void> {
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
