// Writes what happened to a batch of claimed deliveries in ONE transaction: the attempt rows, each
// endpoint's health, and each delivery's next state (fenced on its claim). Batching these writes is
// what lets one SQLite writer keep up with thousands of attempts a second.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database, Db } from '../db/database.types.ts';
import {
  completeDelivery,
  deferDelivery,
  failDelivery,
  holdDelivery,
  insertAttempts,
  rescheduleDelivery,
  restoreDelivery,
} from './delivery.repository.ts';
import type { AttemptTrigger, DeliveryRow, DeliveryStatus, NewDeliveryAttemptRow } from './delivery.table.ts';
import { type EndpointOutcome, type HealthPolicy, recordEndpointHealth } from './endpoint-health.ts';
import type { AttemptResult, AttemptVerdict, OutboundRequest } from './transport/outbound.types.ts';

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
  | (Claimed & { kind: 'unsendable'; reason: string });

export interface WrittenOutcome {
  deliveryId: string;
  /** false when the claim had expired and someone else owns the row: nothing was changed. */
  owned: boolean;
  status: DeliveryStatus;
  nextRunAt?: number;
}

const SECRET_HEADER = /authorization|cookie|token|secret|key|password/i;

/** The attempt row for one HTTP try; header values that look like credentials are redacted. */
export function buildAttemptRow(
  delivery: DeliveryRow,
  trigger: AttemptTrigger,
  attemptNo: number,
  request: OutboundRequest,
  redactedUrl: string,
  result: AttemptResult,
  now: number,
): NewDeliveryAttemptRow {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = SECRET_HEADER.test(name) ? '[redacted]' : value;
  }
  return {
    delivery_id: delivery.id,
    postback_id: delivery.postback_id,
    attempt_no: attemptNo,
    trigger,
    url: redactedUrl,
    method: request.method,
    request_headers: JSON.stringify(headers),
    request_body: request.body ?? null,
    status_code: result.statusCode,
    response_excerpt: result.responseExcerpt || null,
    response_truncated: result.responseTruncated ? 1 : 0,
    duration_ms: Math.round(result.durationMs),
    error_class: result.errorClass,
    error_message: result.errorMessage,
    created_at: now,
  };
}

async function writeOne(
  trx: Db,
  o: DeliveryOutcome,
  disabled: Set<number>,
  now: number,
  log: Logger,
): Promise<WrittenOutcome> {
  const { id } = o.delivery;
  const at = (status: DeliveryStatus, owned: boolean, nextRunAt?: number): WrittenOutcome => ({
    deliveryId: id,
    owned,
    status,
    nextRunAt,
  });
  if (o.kind === 'deferred') {
    return at('pending', await deferDelivery(trx, id, o.claimId, now, o.nextRunAt), o.nextRunAt);
  }
  if (o.kind === 'held' || o.kind === 'unsendable') {
    const f = { now, statusCode: null, error: o.reason, spendAttempt: false };
    return o.kind === 'held'
      ? at('held', await holdDelivery(trx, id, o.claimId, f))
      : at('failed', await failDelivery(trx, id, o.claimId, f));
  }
  const manual = o.restoreStatus !== undefined;
  const f = {
    now,
    statusCode: o.result.statusCode,
    error: o.result.errorMessage,
    spendAttempt: !manual,
  };
  const v = o.verdict;
  if (v.kind === 'succeeded') return at('succeeded', await completeDelivery(trx, id, o.claimId, f));
  if (v.kind === 'disable' || disabled.has(o.delivery.postback_id)) {
    return at('held', await holdDelivery(trx, id, o.claimId, f));
  }
  if (o.restoreStatus !== undefined) {
    return at(o.restoreStatus, await restoreDelivery(trx, id, o.claimId, { ...f, status: o.restoreStatus }));
  }
  if (v.kind === 'retry') {
    const nextRunAt = now + v.delayMs;
    return at('pending', await rescheduleDelivery(trx, id, o.claimId, { ...f, nextRunAt }), nextRunAt);
  }
  const owned = await failDelivery(trx, id, o.claimId, { ...f, error: v.reason });
  if (owned) {
    log.warn(
      { event: 'delivery.exhausted', deliveryId: id, postbackId: o.delivery.postback_id, reason: v.reason },
      'delivery.exhausted',
    );
  }
  return at('failed', owned);
}

export async function writeOutcomes(
  db: Kysely<Database>,
  outcomes: readonly DeliveryOutcome[],
  now: number,
  policy: HealthPolicy,
  log: Logger,
): Promise<WrittenOutcome[]> {
  if (outcomes.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const attempted = outcomes.filter((o) => o.kind === 'attempted');
    await insertAttempts(
      trx,
      attempted.map((o) => o.attempt),
    );
    const health: EndpointOutcome[] = attempted.map((o) => ({
      postbackId: o.delivery.postback_id,
      ok: o.verdict.kind === 'succeeded',
      gone: o.verdict.kind === 'disable',
      at: Number(o.attempt.created_at),
    }));
    const disabled = await recordEndpointHealth(trx, health, now, policy, log);
    const written: WrittenOutcome[] = [];
    for (const o of outcomes) written.push(await writeOne(trx, o, disabled, now, log));
    return written;
  });
}
