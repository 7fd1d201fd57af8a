import { describe, expect, it } from 'vitest';
import { CircuitBreaker, InflightLimiter } from './circuit-breaker.ts';

const KEY = 'postback:7';

/** Records outcomes one second apart from `start`; returns the time after the last one. */
function feed(breaker: CircuitBreaker, outcomes: boolean[], start = 0): number {
  let now = start;
  for (const ok of outcomes) {
    breaker.record(KEY, ok, now);
    now += 1_000;
  }
  return now;
}

const fails = (n: number) => new Array<boolean>(n).fill(false);
const oks = (n: number) => new Array<boolean>(n).fill(true);

describe('CircuitBreaker', () => {
  it('opens on continuous failure once the window holds at least 10 attempts', () => {
    const breaker = new CircuitBreaker();
    let now = feed(breaker, fails(9));
    expect(breaker.state(KEY, now)).toBe('closed');
    expect(breaker.check(KEY, now)).toEqual({ allowed: true, probe: false });
    now = feed(breaker, fails(1), now);
    expect(breaker.state(KEY, now)).toBe('open');
    expect(breaker.check(KEY, now)).toEqual({ allowed: false, retryAt: now - 1_000 + 30_000 });
  });

  it('does not open on sporadic failure (2 of 20) or just under the 70 % line (6 of 10)', () => {
    const sporadic = new CircuitBreaker();
    const now = feed(sporadic, [...oks(9), false, ...oks(9), false]);
    expect(sporadic.state(KEY, now)).toBe('closed');
    const underLine = new CircuitBreaker();
    expect(underLine.state(KEY, feed(underLine, [...oks(4), ...fails(6)]))).toBe('closed');
    const onLine = new CircuitBreaker();
    expect(onLine.state(KEY, feed(onLine, [...oks(3), ...fails(7)]))).toBe('open');
  });

  it('forgets failures older than the 5-minute window', () => {
    const breaker = new CircuitBreaker();
    const now = feed(breaker, fails(9));
    // Six minutes later one more failure is alone in the window: 1 attempt, below the minimum.
    breaker.record(KEY, false, now + 6 * 60_000);
    expect(breaker.state(KEY, now + 6 * 60_000)).toBe('closed');
  });

  it('lets exactly one probe through after the open period; a successful probe closes it', () => {
    const breaker = new CircuitBreaker();
    const openedAt = feed(breaker, fails(10)) - 1_000;
    const t = openedAt + 30_000;
    expect(breaker.check(KEY, t - 1)).toMatchObject({ allowed: false });
    expect(breaker.state(KEY, t)).toBe('half_open');
    expect(breaker.check(KEY, t)).toEqual({ allowed: true, probe: true });
    const second = breaker.check(KEY, t + 10);
    expect(second.allowed).toBe(false);
    expect(second.allowed === false && second.retryAt).toBeGreaterThan(t + 10);
    breaker.record(KEY, true, t + 50);
    expect(breaker.state(KEY, t + 50)).toBe('closed');
    expect(breaker.check(KEY, t + 60)).toEqual({ allowed: true, probe: false });
    // A fresh start: the next opening is again 30 s, not a doubled period.
    const reopenedAt = feed(breaker, fails(10), t + 100) - 1_000;
    expect(breaker.check(KEY, reopenedAt)).toEqual({ allowed: false, retryAt: reopenedAt + 30_000 });
  });

  it('doubles the open period on each failed probe, capped at 10 minutes', () => {
    const breaker = new CircuitBreaker();
    let now = feed(breaker, fails(10)) - 1_000 + 30_000;
    const periods: number[] = [];
    for (let i = 0; i < 7; i++) {
      expect(breaker.check(KEY, now)).toEqual({ allowed: true, probe: true });
      breaker.record(KEY, false, now);
      const verdict = breaker.check(KEY, now);
      if (verdict.allowed) throw new Error('expected the breaker to be open');
      periods.push(verdict.retryAt - now);
      now = verdict.retryAt;
    }
    expect(periods).toEqual([60_000, 120_000, 240_000, 480_000, 600_000, 600_000, 600_000]);
  });

  it('ignores outcomes of attempts sent before it opened', () => {
    const breaker = new CircuitBreaker();
    const openedAt = feed(breaker, fails(10)) - 1_000;
    breaker.record(KEY, true, openedAt + 5);
    expect(breaker.state(KEY, openedAt + 5)).toBe('open');
  });

  it('lets another probe through when the first is never recorded', () => {
    const breaker = new CircuitBreaker({ probeTimeoutMs: 5_000 });
    const t = feed(breaker, fails(10)) - 1_000 + 30_000;
    expect(breaker.check(KEY, t)).toMatchObject({ allowed: true, probe: true });
    expect(breaker.check(KEY, t + 4_999)).toMatchObject({ allowed: false });
    expect(breaker.check(KEY, t + 5_000)).toMatchObject({ allowed: true, probe: true });
  });

  it('keeps endpoints apart', () => {
    const breaker = new CircuitBreaker();
    const now = feed(breaker, fails(10));
    expect(breaker.state(KEY, now)).toBe('open');
    expect(breaker.check('postback:8', now)).toEqual({ allowed: true, probe: false });
  });
});

describe('InflightLimiter', () => {
  it('caps concurrent attempts per key and frees a slot on release', () => {
    const limiter = new InflightLimiter(2);
    expect(limiter.tryAcquire('a')).toBe(true);
    expect(limiter.tryAcquire('a')).toBe(true);
    expect(limiter.tryAcquire('a')).toBe(false);
    expect(limiter.tryAcquire('b')).toBe(true);
    limiter.release('a');
    expect(limiter.inflight('a')).toBe(1);
    expect(limiter.tryAcquire('a')).toBe(true);
    expect(limiter.tryAcquire('a')).toBe(false);
  });
});
