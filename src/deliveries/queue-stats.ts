// The delivery queue's depth and age, as other parts (metrics, alerts) read it.
import type { Db } from '../db/database.types.ts';
import {
  countDeliveriesByStatus,
  findOldestPendingCreatedAt,
  type QueueScope,
} from './queue-stats.repository.ts';

export interface DeliveryQueueStats {
  pending: number;
  held: number;
  inFlight: number;
  /** Age in ms of the oldest delivery still waiting to succeed; 0 when none waits. */
  oldestPendingAgeMs: number;
}

export async function readDeliveryQueueStats(db: Db, now: number): Promise<DeliveryQueueStats> {
  const [counts, oldest] = await Promise.all([countDeliveriesByStatus(db), findOldestPendingCreatedAt(db)]);
  return {
    pending: counts.pending ?? 0,
    held: counts.held ?? 0,
    inFlight: counts.in_flight ?? 0,
    oldestPendingAgeMs: oldest === null ? 0 : Math.max(0, now - oldest),
  };
}

/** Age in ms of the oldest waiting delivery in a scope (0 when none waits). */
export async function readOldestPendingAge(db: Db, scope: QueueScope, now: number): Promise<number> {
  const oldest = await findOldestPendingCreatedAt(db, scope);
  return oldest === null ? 0 : Math.max(0, now - oldest);
}
