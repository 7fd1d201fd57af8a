// Stage 2, prepare: load everything a batch of claimed deliveries needs to be rendered (postback,
// conversion, click, offer, publisher) in a few queries for the whole batch; an ad-platform delivery
// gets only the facts a platform may be told, in one joined query.
import type { Db } from '../../db/database.types.ts';
import { isPlatformKind } from '../../integrations/common/destination-settings.ts';
import type { DeliveryRow } from '../delivery.table.ts';
import { loadWorkContextsOf } from '../prepare/delivery-context.repository.ts';
import type { QueuedDelivery } from './endpoint-queue.ts';

/** The batch ready to send; a delivery whose postback or conversion is gone has no context. */
export async function prepareBatch(db: Db, rows: DeliveryRow[], claimId: string): Promise<QueuedDelivery[]> {
  // The claim returned the rows whole: reading them again would cost a query as large as the claim.
  const contexts = await loadWorkContextsOf(db, rows, (postback) => isPlatformKind(postback.kind));
  return rows.map((delivery) => ({ delivery, claimId, context: contexts.get(delivery.id) }));
}
