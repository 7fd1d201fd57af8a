// Per-endpoint circuit breaker with Convoy's numbers, and a per-endpoint in-flight cap. Both are
// in-memory and per process: they protect receivers from this worker's burst; the durable record of
// an endpoint's health (disable after 410 or a long streak) lives with the postback, not here.
// Pure: the clock is passed in, so tests drive time by hand.

export interface BreakerOptions {
  /** Sliding window over which the failure ratio is measured. */
  windowMs: number;
  /** No verdict on fewer attempts than this inside the window. */
  minAttempts: number;
  /** Open at or above this failure ratio. */
  failureRatio: number;
  /** First open period; doubled after every failed probe. */
  openMs: number;
  maxOpenMs: number;
  /** A probe never recorded (crashed worker) stops blocking after this long. */
  probeTimeoutMs: number;
  /** While a probe is out, others are told to come back this soon. */
  halfOpenRecheckMs: number;
}

export const DEFAULT_BREAKER_OPTIONS: Readonly<BreakerOptions> = Object.freeze({
  windowMs: 5 * 60_000,
  minAttempts: 10,
  failureRatio: 0.7,
  openMs: 30_000,
  maxOpenMs: 10 * 60_000,
  probeTimeoutMs: 60_000,
  halfOpenRecheckMs: 1_000,
});

/** A failure ratio no window reaches: the breaker never opens (for tests not about it). */
export const BREAKER_NEVER_OPENS: Readonly<Partial<BreakerOptions>> = Object.freeze({
  failureRatio: Number.POSITIVE_INFINITY,
});

// The window is kept as counters in 30 slices so memory stays flat however busy an endpoint is.
const SLICES = 30;

interface Slice {
  index: number;
  ok: number;
  failed: number;
}

interface EndpointState {
  slices: Slice[];
  open: boolean;
  openUntil: number;
  openMs: number;
  probeAt: number | null;
}

export type BreakerCheck = { allowed: true; probe: boolean } | { allowed: false; retryAt: number };
export type BreakerState = 'closed' | 'open' | 'half_open';

export class CircuitBreaker {
  private readonly options: BreakerOptions;
  private readonly endpoints = new Map<string, EndpointState>();

  constructor(options: Partial<BreakerOptions> = {}) {
    this.options = { ...DEFAULT_BREAKER_OPTIONS, ...options };
  }

  check(key: string, now: number): BreakerCheck {
    const s = this.endpoints.get(key);
    if (!s?.open) return { allowed: true, probe: false };
    if (now < s.openUntil) return { allowed: false, retryAt: s.openUntil };
    if (s.probeAt === null || now >= s.probeAt + this.options.probeTimeoutMs) {
      s.probeAt = now;
      return { allowed: true, probe: true };
    }
    const probeExpires = s.probeAt + this.options.probeTimeoutMs;
    return { allowed: false, retryAt: Math.min(probeExpires, now + this.options.halfOpenRecheckMs) };
  }

  record(key: string, ok: boolean, now: number): void {
    const s = this.stateOf(key);
    if (s.open) {
      // Only the probe's outcome moves an open breaker; stragglers sent before it opened do not.
      if (s.probeAt === null || now < s.openUntil) return;
      if (ok) {
        this.endpoints.delete(key);
      } else {
        s.openMs = Math.min(s.openMs * 2, this.options.maxOpenMs);
        s.openUntil = now + s.openMs;
        s.probeAt = null;
      }
      return;
    }
    const slice = this.currentSlice(s, now);
    if (ok) slice.ok += 1;
    else slice.failed += 1;
    let total = 0;
    let failed = 0;
    for (const x of s.slices) {
      total += x.ok + x.failed;
      failed += x.failed;
    }
    if (total >= this.options.minAttempts && failed / total >= this.options.failureRatio) {
      s.open = true;
      s.openMs = this.options.openMs;
      s.openUntil = now + s.openMs;
      s.probeAt = null;
      s.slices = [];
    }
  }

  state(key: string, now: number): BreakerState {
    const s = this.endpoints.get(key);
    if (!s?.open) return 'closed';
    return now < s.openUntil ? 'open' : 'half_open';
  }

  /** Forget an endpoint (re-enabled or edited by the operator). */
  reset(key: string): void {
    this.endpoints.delete(key);
  }

  private stateOf(key: string): EndpointState {
    let s = this.endpoints.get(key);
    if (!s) {
      s = { slices: [], open: false, openUntil: 0, openMs: this.options.openMs, probeAt: null };
      this.endpoints.set(key, s);
    }
    return s;
  }

  private currentSlice(s: EndpointState, now: number): Slice {
    const sliceMs = this.options.windowMs / SLICES;
    const index = Math.floor(now / sliceMs);
    s.slices = s.slices.filter((x) => x.index > index - SLICES);
    let slice = s.slices.find((x) => x.index === index);
    if (!slice) {
      slice = { index, ok: 0, failed: 0 };
      s.slices.push(slice);
    }
    return slice;
  }
}

/** Caps concurrent attempts per endpoint so one slow receiver cannot take every worker slot. */
export class InflightLimiter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly maxPerKey: number) {}

  tryAcquire(key: string): boolean {
    const current = this.counts.get(key) ?? 0;
    if (current >= this.maxPerKey) return false;
    this.counts.set(key, current + 1);
    return true;
  }

  release(key: string): void {
    const current = this.counts.get(key) ?? 0;
    if (current <= 1) this.counts.delete(key);
    else this.counts.set(key, current - 1);
  }

  inflight(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}
