// How deep and how old the delivery queue is, for /metrics and the alert rules.
import { sql } from 'kysely';
import type { Db } from '../db/database.types.ts';

export async function countDeliveriesByStatus(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('deliveries')
    .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('status', 'in', ['pending', 'held', 'in_flight'])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export interface QueueScope {
  postbackId?: number;
  publisherId?: number;
}

/** When the oldest delivery still waiting to succeed was created, optionally in one scope. */
export async function findOldestPendingCreatedAt(db: Db, scope: QueueScope = {}): Promise<number | null> {
  let q = db
    .selectFrom('deliveries')
    .select(sql<number | string | null>`min(created_at)`.as('oldest'))
    .where('status', 'in', ['pending', 'in_flight']);
  if (scope.postbackId !== undefined) q = q.where('postback_id', '=', scope.postbackId);
  if (scope.publisherId !== undefined) q = q.where('publisher_id', '=', scope.publisherId);
  const row = await q.executeTakeFirst();
  return row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest);
}
