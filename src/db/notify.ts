// Wake-ups for the delivery workers of other processes, behind names: feature code says "wake the
// workers" inside its transaction, or "tell me when deliveries are queued", and never asks which
// store it runs on. PostgreSQL does both with LISTEN/NOTIFY (postgres/notify.ts,
// postgres/queue-listener.ts); SQLite has neither, and the in-process wake-up and the polling
// fallback cover it.
import type { Logger } from 'pino';
import type { Db } from './database.types.ts';
import { speaksPostgres } from './handle-dialect.ts';
import { DELIVERIES_CHANNEL, queueNotification } from './postgres/notify.ts';

export { DELIVERIES_CHANNEL };

export interface QueueListener {
  close(): Promise<void>;
}

export interface QueueNotifications {
  /** Calls `onWake` when another process has queued deliveries, until closed. */
  listenForDeliveries(onWake: () => void, log: Logger): QueueListener;
}

/**
 * Wakes the delivery workers of other processes once `trx` commits (nothing on rollback), which is
 * exactly when they may see the rows. Outside a transaction they are woken at once.
 */
export async function wakeOtherWorkersAtCommit(trx: Db): Promise<void> {
  if (speaksPostgres(trx)) await queueNotification(trx, DELIVERIES_CHANNEL);
}
