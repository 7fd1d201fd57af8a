// SQL of the delivery state machine: pending → in_flight (claimed under a lease) → succeeded /
// pending again / failed / held. Every write after the claim is fenced on (id, claim_id), so a
// worker whose lease expired cannot overwrite whoever claimed the row after it.
import { sql } from 'kysely';
import type { Capabilities } from '../db/capabilities.ts';
import { lockSkippingClaimed } from '../db/claim.ts';
import type { Db } from '../db/database.types.ts';
import type { DeliveryRow, DeliveryStatus, DeliveryTable, NewDeliveryAttemptRow } from './delivery.table.ts';

export interface ClaimOptions {
  capabilities: Capabilities;
  now: number;
  limit: number;
  claimId: string;
  leaseMs: number;
}

/** Claims up to `limit` due pending deliveries, oldest due first. */
export function claimDueDeliveries(db: Db, o: ClaimOptions): Promise<DeliveryRow[]> {
  const due = lockSkippingClaimed(
    db
      .selectFrom('deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_run_at', '<=', o.now)
      .orderBy('next_run_at')
      .limit(o.limit),
    o.capabilities,
  );
  return db
    .updateTable('deliveries')
    .set({ status: 'in_flight', claim_id: o.claimId, lease_until: o.now + o.leaseMs, updated_at: o.now })
    .where('id', 'in', due)
    .where('status', '=', 'pending')
    .returningAll()
    .execute();
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

type ClaimedPatch = Partial<
  Pick<DeliveryTable, 'status' | 'next_run_at' | 'last_status_code' | 'last_error' | 'completed_at'>
>;

/** The one fenced write: changes the row only while this claim still owns it; true when it did. */
async function updateClaimed(
  db: Db,
  id: string,
  claimId: string,
  now: number,
  patch: ClaimedPatch,
  spendAttempt: boolean,
): Promise<boolean> {
  const releasing = patch.status !== undefined && patch.status !== 'in_flight';
  const result = await db
    .updateTable('deliveries')
    .set({
      ...patch,
      ...(spendAttempt ? { attempts: sql<number>`attempts + 1` } : {}),
      ...(releasing ? { claim_id: null, lease_until: null } : {}),
      updated_at: now,
    })
    .where('id', '=', id)
    .where('claim_id', '=', claimId)
    .where('status', '=', 'in_flight')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
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

// Keeps each multi-row INSERT well under both stores' bound-parameter limits.
const ATTEMPT_CHUNK = 500;

export async function insertAttempts(db: Db, rows: NewDeliveryAttemptRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ATTEMPT_CHUNK) {
    await db
      .insertInto('delivery_attempts')
      .values(rows.slice(i, i + ATTEMPT_CHUNK))
      .execute();
  }
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

/** When the next pending delivery falls due (undefined when none is pending). */
export async function findNextDueAt(db: Db): Promise<number | undefined> {
  const row = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.min('next_run_at').as('at'))
    .where('status', '=', 'pending')
    .executeTakeFirst();
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
