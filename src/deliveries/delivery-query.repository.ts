// Read-side SQL of deliveries for the operator API: filtered lists (newest first) and attempt logs.
import type { TimeCursor } from '../admin/cursor.ts';
import type { Db } from '../db/database.types.ts';
import { pageNewestFirst } from '../db/newest-first.ts';
import type { DeliveryAttemptRow, DeliveryRow, DeliveryStatus } from './delivery.table.ts';

export interface DeliveryFilter {
  limit: number;
  after?: TimeCursor;
  status?: DeliveryStatus;
  publisherId?: number;
  postbackId?: number;
  conversionId?: string;
  /** created_at bounds: from inclusive, to exclusive. */
  from?: number;
  to?: number;
}

/** Fetches `limit + 1` rows so the caller can tell whether another page follows. */
export function listDeliveries(db: Db, f: DeliveryFilter): Promise<DeliveryRow[]> {
  let q = pageNewestFirst(db.selectFrom('deliveries').selectAll(), f);
  if (f.status !== undefined) q = q.where('status', '=', f.status);
  if (f.publisherId !== undefined) q = q.where('publisher_id', '=', f.publisherId);
  if (f.postbackId !== undefined) q = q.where('postback_id', '=', f.postbackId);
  if (f.conversionId !== undefined) q = q.where('conversion_id', '=', f.conversionId);
  return q.execute();
}

export function findDeliveryById(db: Db, id: string): Promise<DeliveryRow | undefined> {
  return db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every attempt of one delivery, oldest first. */
export function listAttemptsOfDelivery(db: Db, deliveryId: string): Promise<DeliveryAttemptRow[]> {
  return db
    .selectFrom('delivery_attempts')
    .selectAll()
    .where('delivery_id', '=', deliveryId)
    .orderBy('id')
    .execute();
}
