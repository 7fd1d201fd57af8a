// SQL for the deliveries awaiting an ad platform's processing report (platform_request_checks).
import type { Db } from '../../db/database.types.ts';
import type { ClaimedPatch } from '../delivery.repository.ts';
import type { PlatformRequestCheckRow } from './request-check.table.ts';

/** A resend replaces the delivery's earlier check. */
export async function saveRequestChecks(db: Db, rows: PlatformRequestCheckRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 100) {
    await db
      .insertInto('platform_request_checks')
      .values(rows.slice(i, i + 100))
      .onConflict((oc) =>
        oc.column('delivery_id').doUpdateSet((eb) => ({
          request_id: eb.ref('excluded.request_id'),
          postback_id: eb.ref('excluded.postback_id'),
          attempt_no: eb.ref('excluded.attempt_no'),
          checks: eb.ref('excluded.checks'),
          next_check_at: eb.ref('excluded.next_check_at'),
          created_at: eb.ref('excluded.created_at'),
        })),
      )
      .execute();
  }
}

/** The due checks, whole requests at a time (every delivery of a request settles together). */
export async function findDueRequestChecks(
  db: Db,
  now: number,
  limit: number,
): Promise<PlatformRequestCheckRow[]> {
  const requests = await db
    .selectFrom('platform_request_checks')
    .select('request_id')
    .distinct()
    .where('next_check_at', '<=', now)
    .orderBy('request_id')
    .limit(limit)
    .execute();
  if (requests.length === 0) return [];
  const rows = await db
    .selectFrom('platform_request_checks')
    .selectAll()
    .where(
      'request_id',
      'in',
      requests.map((r) => r.request_id),
    )
    .where('next_check_at', '<=', now)
    .execute();
  return rows.map((r) => ({
    ...r,
    postback_id: Number(r.postback_id),
    attempt_no: Number(r.attempt_no),
    checks: Number(r.checks),
    next_check_at: Number(r.next_check_at),
    created_at: Number(r.created_at),
  }));
}

export async function postponeRequestCheck(
  db: Db,
  requestId: string,
  checks: number,
  nextCheckAt: number,
): Promise<void> {
  await db
    .updateTable('platform_request_checks')
    .set({ checks, next_check_at: nextCheckAt })
    .where('request_id', '=', requestId)
    .execute();
}

export async function deleteRequestChecks(db: Db, deliveryIds: string[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  await db.deleteFrom('platform_request_checks').where('delivery_id', 'in', deliveryIds).execute();
}

/** The awaited deliveries as they are now (a check applies only while they still wait on it). */
export function findAwaitedDeliveries(db: Db, ids: readonly string[]) {
  return db
    .selectFrom('deliveries')
    .select(['id', 'status', 'claim_id', 'attempts', 'postback_id'])
    .where('id', 'in', ids)
    .execute();
}

/** Settles awaited deliveries; fenced on their still waiting unclaimed, so a resend in flight wins. */
export async function settleAwaitedDeliveries(
  db: Db,
  ids: readonly string[],
  now: number,
  patch: ClaimedPatch,
): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable('deliveries')
    .set({ ...patch, updated_at: now })
    .where('id', 'in', ids)
    .where('status', '=', 'pending')
    .where('claim_id', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The destination a check asks about (its kind, settings and sealed credentials). */
export function findCheckedDestination(db: Db, postbackId: number) {
  return db
    .selectFrom('postbacks')
    .select(['id', 'kind', 'destination', 'credentials'])
    .where('id', '=', postbackId)
    .executeTakeFirst();
}
