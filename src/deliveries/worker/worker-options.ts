// The delivery worker's settings and tuning constants, in one place. Defaults come from the config;
// tests and the bench override single fields.
import type { Config } from '../../config/config.ts';
import { DEFAULT_HEALTH_POLICY, type HealthPolicy } from '../endpoint-health.ts';
import { TRACKWIRE_USER_AGENT } from '../prepare/user-agent.ts';
import type { BreakerOptions } from '../transport/circuit-breaker.ts';
import type { Sender } from '../transport/outbound.types.ts';

export interface WorkerOptions {
  concurrency: number;
  endpointInflightCap: number;
  pollMs: number;
  leaseMs: number;
  retrySchedule: readonly number[];
  jitter?: number;
  minDelayAfterThrottleMs?: number;
  /**
   * Outcomes are written together at most this long after the first of them arrives. Each write is
   * a synchronous transaction on SQLite: a shorter wait turns a slow receiver's trickle of answers
   * into many small transactions that keep the event loop busy while answers wait to be read.
   * Endpoint slots free when the answer arrives, not when it is written, so waiting longer here
   * does not slow any endpoint down.
   */
  flushIntervalMs: number;
  /** Outcomes written in one transaction at most. */
  flushMax: number;
  health: HealthPolicy;
  breaker: Partial<BreakerOptions>;
  userAgent: string;
  /** A ready sender (tests); otherwise one is created from the config and closed on stop. */
  sender?: Sender;
  /** The sender for ad-platform requests (tests); otherwise one is created and closed on stop. */
  platformSender?: Sender;
}

/** The shortest sleep between claims, so a busy loop cannot spin. */
export const MIN_IDLE_MS = 5;
/** How long outcomes the store refuses are tried again before their rows are left to the lease. */
export const OUTCOME_WRITE_PATIENCE_MS = 15_000;
/** The lease keeper's shortest renewal period. */
export const MIN_RENEW_EVERY_MS = 50;

export function workerOptions(config: Config, overrides: Partial<WorkerOptions>): WorkerOptions {
  return {
    concurrency: config.workerConcurrency,
    endpointInflightCap: config.endpointInflightCap,
    pollMs: config.workerPollMs,
    leaseMs: config.leaseMs,
    retrySchedule: config.retrySchedule,
    flushIntervalMs: 20,
    flushMax: 500,
    health: DEFAULT_HEALTH_POLICY,
    breaker: {},
    userAgent: TRACKWIRE_USER_AGENT,
    ...overrides,
  };
}

/** How many deliveries the worker takes from the store at once, derived from its options. */
export interface ClaimSizes {
  /** Attempts in flight to one endpoint at most. */
  cap: number;
  /** An endpoint may hold one wave in flight and one waiting here; the rest stays in the store. */
  perEndpoint: number;
  /** Claim again for an endpoint only once it has room for at least half a wave. */
  minEndpointRoom: number;
  /** Below this many free slots a claim waits for more to free (no one-row claims at full speed). */
  minClaim: number;
}

export function claimSizes(o: WorkerOptions): ClaimSizes {
  const cap = o.endpointInflightCap;
  return {
    cap,
    perEndpoint: 2 * cap,
    minEndpointRoom: Math.max(1, Math.floor(cap / 2)),
    minClaim: Math.max(1, Math.floor(o.concurrency / 8)),
  };
}
