import { describe, expect, it } from 'vitest';
import type { AttemptResult } from './outbound.types.ts';
import { DEFAULT_RETRY_SCHEDULE_MS, judgeAttempt, type RetryPolicy } from './retry-policy.ts';

function answer(statusCode: number, extra: Partial<AttemptResult> = {}): AttemptResult {
  const ok = statusCode >= 200 && statusCode < 300;
  return {
    statusCode,
    responseExcerpt: '',
    responseTruncated: false,
    durationMs: 3,
    errorClass: ok ? null : statusCode === 0 ? 'connect' : 'http',
    errorMessage: ok ? null : 'x',
    ...extra,
  };
}

const ms: RetryPolicy = { schedule: [10, 20, 40], retry4xx: true, jitter: 0, minDelayAfterThrottleMs: 0 };
const mid = () => 0.5;

describe('judgeAttempt', () => {
  it.each([200, 201, 204, 299])('%i succeeds', (status) => {
    expect(judgeAttempt(answer(status), 1, ms)).toEqual({ kind: 'succeeded' });
  });

  it('disables the endpoint on 410, even on the last attempt and with retry4xx off', () => {
    expect(judgeAttempt(answer(410), 1, ms).kind).toBe('disable');
    expect(judgeAttempt(answer(410), 4, { ...ms, retry4xx: false }).kind).toBe('disable');
  });

  it.each([301, 302, 308, 400, 404, 408, 429, 500, 503])('retries %i on the schedule', (status) => {
    expect(judgeAttempt(answer(status), 2, ms, mid)).toEqual({ kind: 'retry', delayMs: 20 });
  });

  it.each([
    ['timeout', answer(0, { errorClass: 'timeout' })],
    ['dns', answer(0, { errorClass: 'dns' })],
    ['connect', answer(0, { errorClass: 'connect' })],
    ['tls', answer(0, { errorClass: 'tls' })],
  ])('retries a %s failure', (_name, result) => {
    expect(judgeAttempt(result, 1, ms, mid)).toEqual({ kind: 'retry', delayMs: 10 });
  });

  it('fails a refused address at once: the same policy refuses it on every retry', () => {
    const refused = answer(0, {
      errorClass: 'refused_address',
      errorMessage: '10.0.0.1 is a refused address',
    });
    expect(judgeAttempt(refused, 1, ms)).toEqual({
      kind: 'failed',
      reason: 'refused_address: 10.0.0.1 is a refused address',
    });
  });

  it('makes total attempts = 1 + schedule length', () => {
    let attempts = 0;
    for (let n = 1; ; n++) {
      attempts = n;
      if (judgeAttempt(answer(500), n, ms, mid).kind !== 'retry') break;
    }
    expect(attempts).toBe(1 + ms.schedule.length);
    expect(judgeAttempt(answer(500), 4, ms)).toMatchObject({ kind: 'failed' });
    expect(1 + DEFAULT_RETRY_SCHEDULE_MS.length).toBe(10);
  });

  it('with retry4xx off, fails 4xx at once except 408 and 429', () => {
    const strict = { ...ms, retry4xx: false };
    for (const status of [400, 401, 403, 404, 422]) {
      expect(judgeAttempt(answer(status), 1, strict, mid)).toMatchObject({ kind: 'failed' });
    }
    expect(judgeAttempt(answer(408), 1, strict, mid)).toEqual({ kind: 'retry', delayMs: 10 });
    expect(judgeAttempt(answer(429), 1, strict, mid)).toEqual({ kind: 'retry', delayMs: 10 });
    expect(judgeAttempt(answer(500), 1, strict, mid)).toEqual({ kind: 'retry', delayMs: 10 });
  });

  it('keeps jitter within ±20 % by default and reaches both ends', () => {
    const policy = { schedule: [300_000], retry4xx: true };
    const delay = (r: number) => {
      const v = judgeAttempt(answer(500), 1, policy, () => r);
      return v.kind === 'retry' ? v.delayMs : -1;
    };
    expect(delay(0)).toBe(240_000);
    expect(delay(0.999999)).toBeCloseTo(360_000, -1);
    expect(delay(0.5)).toBe(300_000);
    for (let i = 0; i < 200; i++) {
      const d = delay(Math.random());
      expect(d).toBeGreaterThanOrEqual(240_000);
      expect(d).toBeLessThanOrEqual(360_000);
    }
  });

  it('honours Retry-After clamped to [scheduled, 2 × scheduled], without jitter', () => {
    const policy = { schedule: [60_000], retry4xx: true, minDelayAfterThrottleMs: 0 };
    const withHint = (retryAfterMs: number) =>
      judgeAttempt(answer(503, { retryAfterMs }), 1, policy, () => 0);
    expect(withHint(90_000)).toEqual({ kind: 'retry', delayMs: 90_000 });
    expect(withHint(1_000)).toEqual({ kind: 'retry', delayMs: 60_000 });
    expect(withHint(3_600_000)).toEqual({ kind: 'retry', delayMs: 120_000 });
  });

  it('waits at least the throttle floor after a timeout or 429, but not after other failures', () => {
    const policy = { schedule: [5_000], retry4xx: true, jitter: 0 };
    expect(judgeAttempt(answer(0, { errorClass: 'timeout' }), 1, policy)).toEqual({
      kind: 'retry',
      delayMs: 60_000,
    });
    expect(judgeAttempt(answer(429), 1, policy)).toEqual({ kind: 'retry', delayMs: 60_000 });
    expect(judgeAttempt(answer(503), 1, policy)).toEqual({ kind: 'retry', delayMs: 5_000 });
    expect(judgeAttempt(answer(429), 1, { ...policy, minDelayAfterThrottleMs: 15 })).toEqual({
      kind: 'retry',
      delayMs: 5_000,
    });
    expect(judgeAttempt(answer(429), 1, { ...policy, schedule: [5], minDelayAfterThrottleMs: 15 })).toEqual({
      kind: 'retry',
      delayMs: 15,
    });
  });

  it('the throttle floor also beats a short Retry-After', () => {
    const policy = { schedule: [5_000], retry4xx: true, jitter: 0 };
    expect(judgeAttempt(answer(429, { retryAfterMs: 1_000 }), 1, policy)).toEqual({
      kind: 'retry',
      delayMs: 60_000,
    });
  });
});
