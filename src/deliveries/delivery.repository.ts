// SQL of the delivery state machine: pending → in_flight (claimed under a lease) → succeeded /
// pending again / failed / held. Every write after the claim is fenced on (id, claim_id), so a
// worker whose lease expired cannot overwrite whoever claimed the row after it.
// See docs/decisions/0005-leases-and-fencing.md.
import { type SelectQueryBuilder, sql } from 'kysely';
import type { ClaimLock } from '../db/claim.ts';
import type { Database, Db } from '../db/database.types.ts';
import { inIdList, unindexed } from '../db/id-list.ts';
import { insertRows } from '../db/insert-rows.ts';
import type {
  DeliveryAttemptTable,
  DeliveryRow,
  DeliveryStatus,
  DeliveryTable,
  NewDeliveryAttemptRow,
} from './delivery.table.ts';

export interface ClaimOptions {
  /** The store's claim lock (`store.claimLock`). */
  lock: ClaimLock;
  now: number;
  limit: number;
  claimId: string;
  leaseMs: number;
  /** Most rows any one endpoint may get from this claim (the in-flight cap plus one waiting wave). */
  perEndpoint?: number;
  /** Endpoints whose room is smaller than `perEndpoint` (rows already held here), by postback id. */
  endpointRoom?: ReadonlyMap<number, number>;
  /** Endpoints that get nothing now: their rows stay pending in the store for whoever has room. */
  skipEndpoints?: readonly number[];
  /** Claim only these endpoints' rows (ad-platform endpoints, claimed apart from the others). */
  onlyEndpoints?: readonly number[];
}

const asInt = (value: number) => sql`CAST(${value} AS integer)`;

/**
 * Claims up to `limit` due pending deliveries, oldest due first, and at most `perEndpoint` (or the
 * endpoint's room) of any one endpoint: work the endpoint cannot take now stays pending in the
 * store instead of being claimed, held here and deferred. The per-endpoint count is taken over a
 * bounded window of the oldest due rows, so a claim costs the same however long the backlog is.
 */
export function claimDueDeliveries(db: Db, o: ClaimOptions): Promise<DeliveryRow[]> {
  const perEndpoint = o.perEndpoint ?? o.limit;
  const rooms = [...(o.endpointRoom ?? [])];
  const skip = o.skipEndpoints ?? [];
  const only = o.onlyEndpoints;
  if (only?.length === 0) return Promise.resolve([]);
  const key = sql.raw(o.lock.rowKey);
  if (perEndpoint >= o.limit && rooms.every(([, n]) => n >= o.limit)) {
    // No endpoint can be over-claimed: the plain oldest-due-first claim (much cheaper).
    let plain = db.selectFrom('deliveries').select(sql<string>`${key}`.as('k'));
    if (skip.length > 0) plain = plain.where('postback_id', 'not in', [...skip]);
    // By postback, SQLite would sort every pending row of the endpoint instead of walking the due index.
    if (only) plain = plain.where(unindexed(db, 'postback_id'), 'in', [...only]);
    return claimRows(db, o, plain);
  }
  const notSkipped = skip.length > 0 ? sql`AND postback_id NOT IN (${sql.join(skip.map(asInt))})` : sql``;
  const onlyThese = only ? sql`AND ${unindexed(db, 'postback_id')} IN (${sql.join(only.map(asInt))})` : sql``;
  const room =
    rooms.length > 0
      ? sql`CASE postback_id ${sql.join(
          rooms.map(([id, n]) => sql`WHEN ${asInt(id)} THEN ${asInt(n)}`),
          sql` `,
        )} ELSE ${asInt(perEndpoint)} END`
      : asInt(perEndpoint);
  const scan = Math.max(128, o.limit * 2);
  const fair = sql`SELECT k FROM (
      SELECT k, postback_id, ROW_NUMBER() OVER (PARTITION BY postback_id ORDER BY next_run_at, id) AS rn
      FROM (
        SELECT ${key} AS k, id, postback_id, next_run_at FROM deliveries
        WHERE status = 'pending' AND next_run_at <= ${o.now} ${notSkipped} ${onlyThese}
        ORDER BY next_run_at LIMIT ${scan}
      ) due
    ) ranked WHERE rn <= ${room}`;
  return claimRows(
    db,
    o,
    db.selectFrom('deliveries').select(sql<string>`${key}`.as('k')).where(sql<boolean>`${key} IN (${fair})`),
  );
}

function claimRows(
  db: Db,
  o: ClaimOptions,
  candidates: SelectQueryBuilder<Database, 'deliveries', { k: string }>,
): Promise<DeliveryRow[]> {
  const due = o.lock.skippingClaimed(
    candidates
      .where('status', '=', 'pending')
      .where('next_run_at', '<=', o.now)
      .orderBy('next_run_at')
      .limit(o.limit),
  );
  return (
    db
      .updateTable('deliveries')
      .set({ status: 'in_flight', claim_id: o.claimId, lease_until: o.now + o.leaseMs, updated_at: o.now })
      .where(sql.raw(o.lock.rowKey), 'in', due)
      // By status, SQLite would walk every pending row to find the candidates.
      .where(unindexed(db, 'status'), '=', 'pending')
      .returningAll()
      .execute()
  );
}

/** Claims one delivery by id (a manual resend) when it is in one of `from`; undefined otherwise. */
export function claimDeliveryById(
  db: Db,
  id: string,
  o: { now: number; claimId: string; leaseMs: number; from: readonly DeliveryStatus[] },
): Promise<DeliveryRow | undefined> {
  return db
    .updateTable('deliveries')
    .set({ status: 'in_flight', claim_id: o.claimId, lease_until: o.now + o.leaseMs, updated_at: o.now })
    .where('id', '=', id)
    .where('status', 'in', [...o.from])
    .returningAll()
    .executeTakeFirst();
}

export type ClaimedPatch = Partial<
  Pick<DeliveryTable, 'status' | 'next_run_at' | 'last_status_code' | 'last_error' | 'completed_at'>
>;

/** What a fenced write sets: the patch, a spent attempt, and the claim released when the row leaves in_flight. */
function claimedSet(now: number, patch: ClaimedPatch, spendAttempt: boolean) {
  const releasing = patch.status !== undefined && patch.status !== 'in_flight';
  return {
    ...patch,
    ...(spendAttempt ? { attempts: sql<number>`attempts + 1` } : {}),
    ...(releasing ? { claim_id: null, lease_until: null } : {}),
    updated_at: now,
  };
}

/** The one fenced write: changes the row only while this claim still owns it; true when it did. */
async function updateClaimed(
  db: Db,
  id: string,
  claimId: string,
  now: number,
  patch: ClaimedPatch,
  spendAttempt: boolean,
): Promise<boolean> {
  const result = await db
    .updateTable('deliveries')
    .set(claimedSet(now, patch, spendAttempt))
    .where('id', '=', id)
    .where('claim_id', '=', claimId)
    .where('status', '=', 'in_flight')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * The fenced write for many rows of ONE claim that move to the same state: one statement instead
 * of one per row. Returns the ids it changed (rows whose claim expired are left alone).
 */
export async function updateClaimedMany(
  db: Db,
  ids: readonly string[],
  claimId: string,
  now: number,
  patch: ClaimedPatch,
  spendAttempt: boolean,
): Promise<string[]> {
  const rows = await db
    .updateTable('deliveries')
    .set(claimedSet(now, patch, spendAttempt))
    .where((eb) => inIdList(db, eb.ref('id'), ids))
    .where('claim_id', '=', claimId)
    .where(unindexed(db, 'status'), '=', 'in_flight')
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

export interface AttemptFacts {
  now: number;
  statusCode: number | null;
  error: string | null;
  /** false for manual resends, which do not spend the automatic budget. */
  spendAttempt: boolean;
}

const facts = (f: AttemptFacts) => ({ last_status_code: f.statusCode, last_error: f.error });

export function completeDelivery(db: Db, id: string, claimId: string, f: AttemptFacts) {
  return updateClaimed(
    db,
    id,
    claimId,
    f.now,
    { status: 'succeeded', completed_at: f.now, ...facts(f) },
    f.spendAttempt,
  );
}

export function rescheduleDelivery(
  db: Db,
  id: string,
  claimId: string,
  f: AttemptFacts & { nextRunAt: number },
) {
  return updateClaimed(
    db,
    id,
    claimId,
    f.now,
    { status: 'pending', next_run_at: f.nextRunAt, ...facts(f) },
    f.spendAttempt,
  );
}

export function failDelivery(db: Db, id: string, claimId: string, f: AttemptFacts) {
  return updateClaimed(
    db,
    id,
    claimId,
    f.now,
    { status: 'failed', completed_at: f.now, ...facts(f) },
    f.spendAttempt,
  );
}

export function holdDelivery(db: Db, id: string, claimId: string, f: AttemptFacts) {
  return updateClaimed(db, id, claimId, f.now, { status: 'held', ...facts(f) }, f.spendAttempt);
}

/** Gives the row back without an attempt (breaker open, endpoint at its in-flight cap). */
export function deferDelivery(db: Db, id: string, claimId: string, now: number, nextRunAt: number) {
  return updateClaimed(db, id, claimId, now, { status: 'pending', next_run_at: nextRunAt }, false);
}

/** Puts a manually resent row back in the state it had before (its schedule untouched). */
export function restoreDelivery(
  db: Db,
  id: string,
  claimId: string,
  f: AttemptFacts & { status: DeliveryStatus },
) {
  return updateClaimed(db, id, claimId, f.now, { status: f.status, ...facts(f) }, false);
}

export async function renewLease(db: Db, id: string, claimId: string, leaseUntil: number, now: number) {
  const result = await db
    .updateTable('deliveries')
    .set({ lease_until: leaseUntil, updated_at: now })
    .where('id', '=', id)
    .where('claim_id', '=', claimId)
    .where('status', '=', 'in_flight')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** In-flight rows whose worker vanished go back to pending; their attempt is repeated (at-least-once). */
export async function sweepExpiredLeases(db: Db, now: number): Promise<number> {
  const result = await db
    .updateTable('deliveries')
    .set({ status: 'pending', claim_id: null, lease_until: null, next_run_at: now, updated_at: now })
    .where('status', '=', 'in_flight')
    .where('lease_until', '<', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// Every column but the generated id, as a record so that a column added to the table and not here
// fails to compile instead of being dropped.
const ATTEMPT_COLUMN_SET: Record<Exclude<keyof DeliveryAttemptTable, 'id'>, true> = {
  delivery_id: true,
  postback_id: true,
  attempt_no: true,
  trigger: true,
  url: true,
  method: true,
  request_headers: true,
  request_body: true,
  status_code: true,
  response_excerpt: true,
  response_truncated: true,
  duration_ms: true,
  error_class: true,
  error_message: true,
  created_at: true,
  trace_id: true,
};
const ATTEMPT_COLUMNS = Object.keys(ATTEMPT_COLUMN_SET) as (keyof typeof ATTEMPT_COLUMN_SET)[];

/** Writes attempt rows in one statement, however many (an ad-platform batch writes a thousand). */
export function insertAttempts(db: Db, rows: NewDeliveryAttemptRow[]): Promise<void> {
  return insertRows(db, 'delivery_attempts', ATTEMPT_COLUMNS, rows);
}

/** An endpoint was disabled: its waiting deliveries are held, never dropped. */
export async function holdPendingDeliveries(db: Db, postbackId: number, now: number): Promise<number> {
  const result = await db
    .updateTable('deliveries')
    .set({ status: 'held', updated_at: now })
    .where('postback_id', '=', postbackId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function releaseHeldForPostback(db: Db, postbackId: number, now: number): Promise<number> {
  const result = await db
    .updateTable('deliveries')
    .set({ status: 'pending', next_run_at: now, updated_at: now })
    .where('postback_id', '=', postbackId)
    .where('status', '=', 'held')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Failed deliveries of one endpoint created since `since` go back to the claim path with a fresh budget. */
export async function requeueFailedDeliveries(
  db: Db,
  o: { postbackId: number; since: number; limit: number; now: number },
): Promise<number> {
  const ids = db
    .selectFrom('deliveries')
    .select('id')
    .where('postback_id', '=', o.postbackId)
    .where('status', '=', 'failed')
    .where('created_at', '>=', o.since)
    .orderBy('created_at')
    .limit(o.limit);
  const result = await db
    .updateTable('deliveries')
    .set({ status: 'pending', attempts: 0, next_run_at: o.now, completed_at: null, updated_at: o.now })
    .where('id', 'in', ids)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** When the next pending delivery (of an endpoint not skipped) falls due; undefined when none. */
export async function findNextDueAt(
  db: Db,
  skipEndpoints: readonly number[] = [],
): Promise<number | undefined> {
  let query = db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.min('next_run_at').as('at'))
    .where('status', '=', 'pending');
  if (skipEndpoints.length > 0) query = query.where('postback_id', 'not in', [...skipEndpoints]);
  const row = await query.executeTakeFirst();
  return row?.at == null ? undefined : Number(row.at);
}

/** Deliveries still owed work: pending (due or not) or in flight. */
export async function countUnfinishedDeliveries(db: Db): Promise<number> {
  const row = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('status', 'in', ['pending', 'in_flight'])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
