// The figures alert rules watch, each over a time window [from, to) and narrowed to a rule's target.
// Clicks and conversions are read by id range (their ids begin with their time: docs/decisions/0008).
import { sql } from 'kysely';
import type { Db } from '../db/database.types.ts';
import { firstIdAt } from '../shared/ids.ts';

export interface Window {
  from: number;
  to: number;
}

/** Which column narrows the figures to a target; undefined means everything. */
export interface TrafficScope {
  column?: 'advertiser_id' | 'offer_id' | 'publisher_id';
  id?: number;
}

export interface DeliveryScope {
  column?: 'publisher_id' | 'postback_id';
  id?: number;
}

const n = (v: unknown) => Number(v ?? 0);

export async function countClicks(db: Db, scope: TrafficScope, w: Window): Promise<number> {
  let q = db
    .selectFrom('clicks')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('id', '>=', firstIdAt(w.from))
    .where('id', '<', firstIdAt(w.to))
    .where('created_at', '>=', w.from)
    .where('created_at', '<', w.to);
  if (scope.column && scope.id !== undefined) q = q.where(scope.column, '=', scope.id);
  return n((await q.executeTakeFirst())?.n);
}

/** Conversions created in the window, and how many of them are now reversed. */
export async function countConversions(
  db: Db,
  scope: TrafficScope,
  w: Window,
): Promise<{ total: number; reversed: number }> {
  let q = db
    .selectFrom('conversions')
    .select((eb) => [
      eb.fn.countAll().as('total'),
      sql<number>`sum(case when status = 'reversed' then 1 else 0 end)`.as('reversed'),
    ])
    .where('id', '>=', `cv_${firstIdAt(w.from)}`)
    .where('id', '<', `cv_${firstIdAt(w.to)}`)
    .where('created_at', '>=', w.from)
    .where('created_at', '<', w.to);
  if (scope.column && scope.id !== undefined) q = q.where(scope.column, '=', scope.id);
  const row = await q.executeTakeFirst();
  return { total: n(row?.total), reversed: n(row?.reversed) };
}

/** Scheduled outbound attempts in the window, and how many failed (no 2xx answer). */
export async function countAttempts(
  db: Db,
  scope: DeliveryScope,
  w: Window,
): Promise<{ total: number; failed: number }> {
  let q = db
    .selectFrom('delivery_attempts as a')
    .innerJoin('postbacks as p', 'p.id', 'a.postback_id')
    .select((eb) => [
      eb.fn.countAll().as('total'),
      sql<number>`sum(case when a.error_class is null and a.status_code between 200 and 299 then 0 else 1 end)`.as(
        'failed',
      ),
    ])
    .where('a.trigger', '=', 'scheduled')
    .where('a.created_at', '>=', w.from)
    .where('a.created_at', '<', w.to);
  if (scope.column === 'postback_id' && scope.id !== undefined) q = q.where('a.postback_id', '=', scope.id);
  if (scope.column === 'publisher_id' && scope.id !== undefined) q = q.where('p.publisher_id', '=', scope.id);
  const row = await q.executeTakeFirst();
  return { total: n(row?.total), failed: n(row?.failed) };
}

/** The kind of a postback (`url` or an ad platform's), or undefined when there is none. */
export async function findPostbackKind(db: Db, id: number): Promise<string | undefined> {
  const row = await db.selectFrom('postbacks').select('kind').where('id', '=', id).executeTakeFirst();
  return row?.kind;
}

/** Names of the disabled postback endpoints in scope. */
export async function listDisabledEndpoints(
  db: Db,
  scope: DeliveryScope,
): Promise<{ id: number; reason: string | null }[]> {
  let q = db.selectFrom('postbacks').select(['id', 'disabled_reason']).where('state', '=', 'disabled');
  if (scope.column === 'postback_id' && scope.id !== undefined) q = q.where('id', '=', scope.id);
  if (scope.column === 'publisher_id' && scope.id !== undefined) q = q.where('publisher_id', '=', scope.id);
  const rows = await q.orderBy('id').execute();
  return rows.map((r) => ({ id: Number(r.id), reason: r.disabled_reason }));
}

/**
 * Inbound postbacks received in the window, and how many were rejected. The log is indexed by
 * (advertiser, time) only, so "every advertiser" is read as one index range per advertiser (and one
 * for hits no advertiser could be told for), never as a scan of the whole log.
 */
export async function countInbound(
  db: Db,
  advertiserId: number | undefined,
  w: Window,
): Promise<{ total: number; rejected: number }> {
  const ids: (number | null)[] =
    advertiserId !== undefined
      ? [advertiserId]
      : [...(await db.selectFrom('advertisers').select('id').execute()).map((r) => Number(r.id)), null];
  const sum = { total: 0, rejected: 0 };
  for (const id of ids) {
    const row = await db
      .selectFrom('postback_log')
      .select((eb) => [
        eb.fn.countAll().as('total'),
        sql<number>`sum(case when result = 'rejected' then 1 else 0 end)`.as('rejected'),
      ])
      .where('advertiser_id', id === null ? 'is' : '=', id)
      .where('received_at', '>=', w.from)
      .where('received_at', '<', w.to)
      .executeTakeFirst();
    sum.total += n(row?.total);
    sum.rejected += n(row?.rejected);
  }
  return sum;
}
