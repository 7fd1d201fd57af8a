// Writes what happened to a batch of claimed deliveries in ONE transaction: the attempt rows, each
// endpoint's health, and each delivery's next state (fenced on its claim). Batching these writes is
// what lets one SQLite writer keep up with thousands of attempts a second. What the write changes
// (an endpoint failing or disabled, a delivery out of attempts) is logged only after the commit.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database, Db } from '../../db/database.types.ts';
import { type EventLog, LogAfterCommit } from '../../shared/log-after-commit.ts';
import { type ClaimedPatch, insertAttempts, updateClaimedMany } from '../delivery.repository.ts';
import type {
  AttemptTrigger,
  DeliveryRow,
  DeliveryStatus,
  NewDeliveryAttemptRow,
} from '../delivery.table.ts';
import { type EndpointOutcome, type HealthPolicy, recordEndpointHealth } from '../endpoint-health.ts';
import type { RecordedRequest } from '../prepare/delivery-request.ts';
import type { AttemptResult, AttemptVerdict } from '../transport/outbound.types.ts';
import { saveRequestChecks } from '../verify/request-check.repository.ts';
import type { PlatformRequestCheckRow } from '../verify/request-check.table.ts';

interface Claimed {
  delivery: DeliveryRow;
  claimId: string;
}

export type DeliveryOutcome =
  | (Claimed & {
      kind: 'attempted';
      trigger: Exclude<AttemptTrigger, 'test'>;
      attempt: NewDeliveryAttemptRow;
      result: AttemptResult;
      verdict: AttemptVerdict;
      /** Manual resends: the status to go back to when the resend does not succeed. */
      restoreStatus?: DeliveryStatus;
    })
  /** Not sent, no attempt spent: breaker open or endpoint at its in-flight cap. */
  | (Claimed & { kind: 'deferred'; nextRunAt: number })
  /** Not sent: the endpoint is disabled. */
  | (Claimed & { kind: 'held'; reason: string })
  /** Not sent and never sendable (postback deleted, template cannot render): kept as failed. */
  | (Claimed & { kind: 'unsendable'; reason: string })
  /** Not sent by rule (an ad platform's event without its click id, too old, unmapped): cancelled, with why. */
  | (Claimed & { kind: 'skipped'; reason: string });

export interface WrittenOutcome {
  deliveryId: string;
  /** false when the claim had expired and someone else owns the row: nothing was changed. */
  owned: boolean;
  status: DeliveryStatus;
  nextRunAt?: number;
}

// The deliveries of one ad-platform request share its recorded headers object: serialised once.
const headersJson = new WeakMap<object, string>();
function headersJsonOf(headers: RecordedRequest['headers']): string {
  const known = headersJson.get(headers);
  if (known !== undefined) return known;
  const json = JSON.stringify(headers);
  headersJson.set(headers, json);
  return json;
}

/** The attempt row for one HTTP try, from the recorded (secret-free) copy of its request. */
export function buildAttemptRow(
  delivery: Pick<DeliveryRow, 'id' | 'postback_id'> | { id: null; postback_id: number },
  trigger: AttemptTrigger,
  attemptNo: number,
  recorded: RecordedRequest,
  result: AttemptResult,
  now: number,
): NewDeliveryAttemptRow {
  return {
    delivery_id: delivery.id,
    postback_id: delivery.postback_id,
    attempt_no: attemptNo,
    trigger,
    url: recorded.url,
    method: recorded.method,
    request_headers: headersJsonOf(recorded.headers),
    request_body: recorded.body,
    status_code: result.statusCode,
    response_excerpt: result.responseExcerpt || null,
    response_truncated: result.responseTruncated ? 1 : 0,
    duration_ms: Math.round(result.durationMs),
    error_class: result.errorClass,
    error_message: result.errorMessage,
    created_at: now,
    trace_id: result.traceId ?? null,
  };
}

/** What one outcome does to its row: the fenced patch, and whether it spends an attempt. */
interface Plan {
  status: DeliveryStatus;
  patch: ClaimedPatch;
  spendAttempt: boolean;
  nextRunAt?: number;
  /** Log "delivery.exhausted" once the write is known to have landed (the fenced update owned it). */
  exhausted?: string;
}

function planOne(o: DeliveryOutcome, disabled: Set<number>, now: number): Plan {
  if (o.kind === 'deferred') {
    const patch = { status: 'pending' as const, next_run_at: o.nextRunAt };
    return { status: 'pending', patch, spendAttempt: false, nextRunAt: o.nextRunAt };
  }
  if (o.kind === 'skipped') {
    const patch = {
      status: 'cancelled' as const,
      completed_at: now,
      last_status_code: null,
      last_error: o.reason,
    };
    return { status: 'cancelled', patch, spendAttempt: false };
  }
  if (o.kind === 'held' || o.kind === 'unsendable') {
    const facts = { last_status_code: null, last_error: o.reason };
    return o.kind === 'held'
      ? { status: 'held', patch: { status: 'held', ...facts }, spendAttempt: false }
      : { status: 'failed', patch: { status: 'failed', completed_at: now, ...facts }, spendAttempt: false };
  }
  const manual = o.restoreStatus !== undefined;
  const facts = { last_status_code: o.result.statusCode, last_error: o.result.errorMessage };
  const spendAttempt = !manual;
  const v = o.verdict;
  if (v.kind === 'succeeded') {
    return { status: 'succeeded', patch: { status: 'succeeded', completed_at: now, ...facts }, spendAttempt };
  }
  if (v.kind === 'awaiting') {
    if (disabled.has(o.delivery.postback_id))
      return { status: 'held', patch: { status: 'held', ...facts }, spendAttempt };
    // Stays pending, due again only as a resend if the platform never reports; its check settles it.
    const patch = {
      status: 'pending' as const,
      next_run_at: v.resendAt,
      last_status_code: o.result.statusCode,
      last_error: `awaiting the platform's processing report (request ${v.requestId})`,
    };
    return { status: 'pending', patch, spendAttempt, nextRunAt: v.resendAt };
  }
  if (v.kind === 'disable' || disabled.has(o.delivery.postback_id)) {
    return { status: 'held', patch: { status: 'held', ...facts }, spendAttempt };
  }
  if (o.restoreStatus !== undefined) {
    // A manual resend that did not succeed never spends the automatic budget.
    return { status: o.restoreStatus, patch: { status: o.restoreStatus, ...facts }, spendAttempt: false };
  }
  if (v.kind === 'retry') {
    const nextRunAt = now + v.delayMs;
    return {
      status: 'pending',
      patch: { status: 'pending', next_run_at: nextRunAt, ...facts },
      spendAttempt,
      nextRunAt,
    };
  }
  return {
    status: 'failed',
    patch: { status: 'failed', completed_at: now, ...facts, last_error: v.reason },
    spendAttempt,
    exhausted: v.reason,
  };
}

/**
 * Writes every outcome's next state with one fenced UPDATE per group of rows that share a claim and
 * an identical patch (a claimed batch that all succeeded is one statement), not one per delivery.
 */
async function writeStates(
  trx: Db,
  outcomes: readonly DeliveryOutcome[],
  disabled: Set<number>,
  now: number,
  log: EventLog,
): Promise<WrittenOutcome[]> {
  const plans = outcomes.map((o) => planOne(o, disabled, now));
  const groups = new Map<string, { claimId: string; plan: Plan; ids: string[] }>();
  plans.forEach((plan, i) => {
    const { claimId, delivery } = outcomes[i];
    const key = `${claimId}\u0000${plan.spendAttempt}\u0000${JSON.stringify(plan.patch)}`;
    const group = groups.get(key);
    if (group) group.ids.push(delivery.id);
    else groups.set(key, { claimId, plan, ids: [delivery.id] });
  });
  const owned = new Set<string>();
  for (const { claimId, plan, ids } of groups.values()) {
    for (const id of await updateClaimedMany(trx, ids, claimId, now, plan.patch, plan.spendAttempt)) {
      owned.add(id);
    }
  }
  return outcomes.map((o, i) => {
    const plan = plans[i];
    const mine = owned.has(o.delivery.id);
    if (mine && plan.exhausted !== undefined) {
      log.warn(
        {
          event: 'delivery.exhausted',
          deliveryId: o.delivery.id,
          postbackId: o.delivery.postback_id,
          reason: plan.exhausted,
        },
        'delivery.exhausted',
      );
    }
    return { deliveryId: o.delivery.id, owned: mine, status: plan.status, nextRunAt: plan.nextRunAt };
  });
}

/** The checks the outcomes of one batch owe: its awaiting deliveries whose write landed. */
function awaitingChecks(
  outcomes: readonly DeliveryOutcome[],
  written: readonly WrittenOutcome[],
): PlatformRequestCheckRow[] {
  const rows: PlatformRequestCheckRow[] = [];
  outcomes.forEach((o, i) => {
    if (o.kind !== 'attempted' || o.verdict.kind !== 'awaiting') return;
    if (!written[i].owned || written[i].status !== 'pending') return;
    rows.push({
      delivery_id: o.delivery.id,
      request_id: o.verdict.requestId,
      postback_id: o.delivery.postback_id,
      attempt_no: o.restoreStatus === undefined ? o.delivery.attempts + 1 : o.delivery.attempts,
      checks: 0,
      next_check_at: o.verdict.checkAt,
      created_at: Number(o.attempt.created_at),
    });
  });
  return rows;
}

export async function writeOutcomes(
  db: Kysely<Database>,
  outcomes: readonly DeliveryOutcome[],
  now: number,
  policy: HealthPolicy,
  log: Logger,
): Promise<WrittenOutcome[]> {
  if (outcomes.length === 0) return [];
  const events = new LogAfterCommit();
  const written = await db.transaction().execute(async (trx) => {
    const attempted = outcomes.filter((o) => o.kind === 'attempted');
    await insertAttempts(
      trx,
      attempted.map((o) => o.attempt),
    );
    const health: EndpointOutcome[] = attempted.map((o) => ({
      postbackId: o.delivery.postback_id,
      // A request the platform took for processing counts as an answer; its check may still fail it.
      ok: o.verdict.kind === 'succeeded' || o.verdict.kind === 'awaiting',
      gone: o.verdict.kind === 'disable',
      ...(o.verdict.kind === 'disable' && { goneReason: o.verdict.reason }),
      at: Number(o.attempt.created_at),
    }));
    const disabled = await recordEndpointHealth(trx, health, now, policy, events);
    const written = await writeStates(trx, outcomes, disabled, now, events);
    await saveRequestChecks(trx, awaitingChecks(outcomes, written));
    return written;
  });
  events.writeTo(log);
  return written;
}
