// Read-side SQL of deliveries for the operator API: filtered lists (newest first) and attempt logs.
import type { Db } from '../db/database.types.ts';
import {
  type IdPage,
  type IdPageFilters,
  type IdPageWindow,
  pageByIndexedColumn,
  pageInIdOrder,
} from '../db/id-order-page.ts';
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
  /** With publisherId: leave out deliveries to the network's own tracker (a publisher's view). */
  hideNetwork?: boolean;
}

/** Newest first, in id order (db/id-order-page.ts). */
export async function listDeliveries(db: Db, f: DeliveryFilter): Promise<IdPage<DeliveryRow>> {
  const page = await listDeliveryRows(db, f);
  if (f.publisherId === undefined || !f.hideNetwork) return page;
  // The network's own tracker's deliveries carry its revenue: never in a publisher's list. A page
  // may come out short; the cursor still goes on.
  const hidden = new Set(
    (
      await db
        .selectFrom('postbacks')
        .select('id')
        .where('publisher_id', '=', f.publisherId)
        .where('audience', '=', 'network')
        .execute()
    ).map((r) => r.id),
  );
  return hidden.size === 0 ? page : { ...page, rows: page.rows.filter((r) => !hidden.has(r.postback_id)) };
}

function listDeliveryRows(db: Db, f: DeliveryFilter): Promise<IdPage<DeliveryRow>> {
  const filters: IdPageFilters<'deliveries'> = {
    status: f.status,
    publisher_id: f.publisherId,
    postback_id: f.postbackId,
  };
  if (f.conversionId === undefined) {
    return pageInIdOrder(db, 'deliveries', filters, { ...f, idPrefix: DELIVERY_ID_PREFIX });
  }
  // One conversion's deliveries are few and indexed: read them whole.
  return pageByIndexedColumn(db, 'deliveries', 'conversion_id', f.conversionId, filters, f);
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

/** How many deliveries are in each status (statuses with none are absent). */
export async function countDeliveriesByStatus(db: Db): Promise<Map<DeliveryStatus, number>> {
  const rows = await db
    .selectFrom('deliveries')
    .select(['status', db.fn.countAll().as('n')])
    .groupBy('status')
    .execute();
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}

/** When the oldest delivery still waiting to be sent was created, or null when none waits. */
export async function findOldestPendingAt(db: Db): Promise<number | null> {
  const row = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.min('created_at').as('at'))
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}

/** Endpoints that are disabled or whose last attempts failed, worst streak first. */
export function listFailingEndpoints(db: Db, limit: number) {
  return db
    .selectFrom('postbacks')
    .select([
      'id',
      'publisher_id',
      'state',
      'failure_streak',
      'last_failure_at',
      'last_success_at',
      'disabled_reason',
    ])
    .where((eb) => eb.or([eb('state', '=', 'disabled'), eb('failure_streak', '>', 0)]))
    .orderBy('failure_streak', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}
