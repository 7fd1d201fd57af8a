// Read-side SQL of deliveries for the operator API: filtered lists (newest first) and attempt logs.
import type { Db } from '../db/database.types.ts';
import { type IdPage, type IdPageFilters, type IdPageWindow, pageInIdOrder } from '../db/id-order-page.ts';
import {
  DELIVERY_ID_PREFIX,
  type DeliveryAttemptRow,
  type DeliveryRow,
  type DeliveryStatus,
} from './delivery.table.ts';

export interface DeliveryFilter extends IdPageWindow {
  status?: DeliveryStatus;
  publisherId?: number;
  postbackId?: number;
  conversionId?: string;
}

/** Newest first, in id order (db/id-order-page.ts). */
export function listDeliveries(db: Db, f: DeliveryFilter): Promise<IdPage<DeliveryRow>> {
  const filters: IdPageFilters<'deliveries'> = {
    status: f.status,
    publisher_id: f.publisherId,
    postback_id: f.postbackId,
    conversion_id: f.conversionId,
  };
  return pageInIdOrder(db, 'deliveries', filters, { ...f, idPrefix: DELIVERY_ID_PREFIX });
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

/** Whose receiver a delivery's postback reaches (undefined when the postback is gone). */
export async function findPostbackAudience(db: Db, postbackId: number) {
  const row = await db
    .selectFrom('postbacks')
    .select('audience')
    .where('id', '=', postbackId)
    .executeTakeFirst();
  return row?.audience;
}
