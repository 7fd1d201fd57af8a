// Stage 3, send: one claimed delivery, start to verdict. Decide whether it may go now (endpoint
// disabled? breaker open?), build the request, send it, judge the answer. Writes nothing: the
// outcome goes to the outcome writer. The endpoint's in-flight cap is the queue's (endpoint-queue.ts).
import type { Logger } from 'pino';
import type { Clock } from '../../shared/clock.ts';
import { counters } from '../../shared/counters.ts';
import type { DeliveryRow, DeliveryStatus } from '../delivery.table.ts';
import { buildOutboundRequest, type DeliveryContext } from '../prepare/delivery-request.ts';
import type { CircuitBreaker } from '../transport/circuit-breaker.ts';
import type { AttemptResult, AttemptVerdict, Sender } from '../transport/outbound.types.ts';
import { judgeAttempt } from '../transport/retry-policy.ts';
import { buildAttemptRow, type DeliveryOutcome } from './delivery-outcomes.ts';

export interface AttemptDeps {
  sender: Sender;
  breaker: CircuitBreaker;
  clock: Clock;
  log: Logger;
  /** Logger for the per-attempt line (see `attemptLogger`); `log` when absent. */
  attemptLog?: Logger;
  userAgent: string;
  retrySchedule: readonly number[];
  jitter?: number;
  minDelayAfterThrottleMs?: number;
}

/**
 * The logger for the one line every attempt writes. That line holds only scalar fields, so the
 * redaction paths (all of the form `x.secret`) can never match in it; skipping redaction for it
 * cuts its cost about threefold, and at thousands of attempts a second it was the worker's largest
 * source of garbage. Every other line keeps going through the redacting logger.
 */
export function attemptLogger(log: Logger): Logger {
  return log.child({}, { redact: [] });
}

/** The one line every attempt writes (scalar fields only: see `attemptLogger`). */
export function logAttempt(
  deps: Pick<AttemptDeps, 'attemptLog' | 'log'>,
  delivery: Pick<DeliveryRow, 'id' | 'postback_id'>,
  a: { attemptNo: number; trigger: string; result: AttemptResult; verdict: AttemptVerdict; batch?: number },
): void {
  (deps.attemptLog ?? deps.log).info(
    {
      event: 'delivery.attempted',
      deliveryId: delivery.id,
      postbackId: delivery.postback_id,
      attempt: a.attemptNo,
      trigger: a.trigger,
      statusCode: a.result.statusCode,
      errorClass: a.result.errorClass,
      durationMs: a.result.durationMs,
      verdict: a.verdict.kind,
      batch: a.batch,
    },
    'delivery.attempted',
  );
}

/** The one line an ad-platform request writes; its deliveries that did not succeed log their own. */
export function logPlatformRequest(
  deps: Pick<AttemptDeps, 'attemptLog' | 'log'>,
  r: {
    postbackId: number;
    trigger: string;
    statusCode: number;
    durationMs: number;
    traceId: string | null;
    batch: number;
    succeeded: number;
  },
): void {
  (deps.attemptLog ?? deps.log).info({ event: 'platform.requested', ...r }, 'platform.requested');
}

export interface ClaimedDelivery {
  delivery: DeliveryRow;
  claimId: string;
}

/** Manual resends skip breaker and cap (an operator asked for this one) and spend no budget. */
export type AttemptMode =
  | { trigger: 'scheduled' }
  | { trigger: 'manual'; attemptNo: number; restoreStatus: DeliveryStatus };

export async function runDeliveryAttempt(
  deps: AttemptDeps,
  claimed: ClaimedDelivery,
  context: DeliveryContext | undefined,
  mode: AttemptMode = { trigger: 'scheduled' },
): Promise<DeliveryOutcome> {
  const { delivery } = claimed;
  const now = deps.clock.now();
  if (!context)
    return { ...claimed, kind: 'unsendable', reason: 'its postback or conversion no longer exists' };
  if (context.postback.state === 'disabled') {
    return { ...claimed, kind: 'held', reason: context.postback.disabled_reason ?? 'endpoint disabled' };
  }
  const key = String(delivery.postback_id);
  const scheduled = mode.trigger === 'scheduled';
  if (scheduled) {
    const gate = deps.breaker.check(key, now);
    if (!gate.allowed) return { ...claimed, kind: 'deferred', nextRunAt: gate.retryAt };
  }
  let built: ReturnType<typeof buildOutboundRequest>;
  try {
    built = buildOutboundRequest(context, now, deps.userAgent);
  } catch (error) {
    // A template that cannot render will not render on retry either: pre-delivery failure.
    return {
      ...claimed,
      kind: 'unsendable',
      reason: `request could not be built: ${(error as Error).message}`,
    };
  }
  const sent = await deps.sender.send(built.request);
  counters.attemptSeconds.observe(sent.durationMs / 1000);
  const result = { ...sent, responseExcerpt: built.maskEcho(sent.responseExcerpt) };
  const finishedAt = deps.clock.now();
  const ok = result.errorClass === null && result.statusCode >= 200 && result.statusCode < 300;
  if (scheduled) deps.breaker.record(key, ok, finishedAt);
  const attemptNo = scheduled ? delivery.attempts + 1 : mode.attemptNo;
  const verdict = judgeAttempt(result, scheduled ? attemptNo : 1, {
    schedule: deps.retrySchedule,
    retry4xx: context.postback.retry_4xx === 1,
    jitter: deps.jitter,
    minDelayAfterThrottleMs: deps.minDelayAfterThrottleMs,
  });
  logAttempt(deps, delivery, { attemptNo, trigger: mode.trigger, result, verdict });
  return {
    ...claimed,
    kind: 'attempted',
    trigger: mode.trigger,
    attempt: buildAttemptRow(delivery, mode.trigger, attemptNo, built.recorded, result, finishedAt),
    result,
    verdict,
    ...(mode.trigger === 'manual' ? { restoreStatus: mode.restoreStatus } : {}),
  };
}
