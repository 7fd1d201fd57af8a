// Stage 2, prepare: load everything a batch of claimed deliveries needs to be rendered (postback,
// conversion, click, offer, publisher) in a few queries for the whole batch.
import type { Db } from '../../db/database.types.ts';
import type { DeliveryRow } from '../delivery.table.ts';
import { loadDeliveryContexts } from '../prepare/delivery-request.ts';
import type { QueuedDelivery } from './endpoint-queue.ts';

/** The batch ready to send; a delivery whose postback or conversion is gone has no context. */
export async function prepareBatch(db: Db, rows: DeliveryRow[], claimId: string): Promise<QueuedDelivery[]> {
  const contexts = await loadDeliveryContexts(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((delivery) => ({ delivery, claimId, context: contexts.get(delivery.id) }));
}
