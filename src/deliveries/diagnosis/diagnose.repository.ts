// SQL behind "why did (or didn't) this conversion fire this postback?".
import type { Db } from '../../db/database.types.ts';

export function findConversionForDiagnosis(db: Db, conversionId: string) {
  return db.selectFrom('conversions').selectAll().where('id', '=', conversionId).executeTakeFirst();
}

export function listEventsOfConversion(db: Db, conversionId: string) {
  return db
    .selectFrom('conversion_events')
    .selectAll()
    .where('conversion_id', '=', conversionId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export function listDeliveriesOfPair(db: Db, conversionId: string, postbackId: number) {
  return db
    .selectFrom('deliveries')
    .selectAll()
    .where('conversion_id', '=', conversionId)
    .where('postback_id', '=', postbackId)
    .orderBy('created_at')
    .execute();
}

export function listLastAttempts(db: Db, deliveryIds: string[], limit: number) {
  if (deliveryIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('delivery_attempts')
    .selectAll()
    .where('delivery_id', 'in', deliveryIds)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
