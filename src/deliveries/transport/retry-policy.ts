// Judging one attempt: done, retry later (and when), give up, or disable the endpoint.
import type { AttemptResult, AttemptVerdict } from './outbound.types.ts';

export interface RetryPolicy {
  /** Wait after failed attempt n is schedule[n-1]; total attempts = 1 + schedule.length. */
  schedule: readonly number[];
  /** false = "do not retry 4xx except 408/429" (receivers that answer 400 to a duplicate click id). */
  retry4xx: boolean;
  /** Fraction of the scheduled wait added or removed at random; default 0.2 (±20 %). */
  jitter?: number;
  /** Floor after a timeout or 429 so a struggling receiver is not hit again at once; default 60 000. */
  minDelayAfterThrottleMs?: number;
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Standard Webhooks' example / Stripe's window: 10 attempts over about three days. */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  14 * HOUR,
  20 * HOUR,
  24 * HOUR,
];

export const DEFAULT_JITTER = 0.2;
export const DEFAULT_MIN_DELAY_AFTER_THROTTLE_MS = 60_000;

function isSuccess(result: AttemptResult): boolean {
  return result.errorClass === null && result.statusCode >= 200 && result.statusCode < 300;
}

export function judgeAttempt(
  result: AttemptResult,
  attemptNo: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): AttemptVerdict {
  if (isSuccess(result)) return { kind: 'succeeded' };
  const status = result.statusCode;
  if (status === 410) return { kind: 'disable', reason: 'receiver answered 410 Gone' };
  // The address policy will refuse the same address on every retry; only a configuration change helps.
  if (result.errorClass === 'refused_address') {
    return {
      kind: 'failed',
      reason: `refused_address: ${result.errorMessage ?? 'the target address is refused'}`,
    };
  }
  if (!policy.retry4xx && status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return {
      kind: 'failed',
      reason: `receiver answered ${status}; 4xx answers are not retried for this postback`,
    };
  }
  if (attemptNo > policy.schedule.length) {
    return { kind: 'failed', reason: `gave up after ${attemptNo} attempts` };
  }
  const scheduled = policy.schedule[attemptNo - 1];
  let delay: number;
  if (result.retryAfterMs !== undefined) {
    // The receiver's own hint, but bounded: never sooner than planned, never more than twice as late.
    delay = Math.min(Math.max(result.retryAfterMs, scheduled), 2 * scheduled);
  } else {
    const jitter = policy.jitter ?? DEFAULT_JITTER;
    delay = scheduled * (1 + jitter * (2 * random() - 1));
  }
  if (result.errorClass === 'timeout' || status === 429) {
    delay = Math.max(delay, policy.minDelayAfterThrottleMs ?? DEFAULT_MIN_DELAY_AFTER_THROTTLE_MS);
  }
  return { kind: 'retry', delayMs: Math.max(0, Math.round(delay)) };
}
