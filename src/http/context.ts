// What every route and service needs, built once per process and passed down explicitly.
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { Store } from '../db/store.ts';
import type { Clock } from '../shared/clock.ts';

export interface AppContext {
  readonly config: Config;
  readonly store: Store;
  readonly clock: Clock;
  readonly log: Logger;
  /** Wakes the local delivery worker after a commit that enqueued deliveries (no-op without one). */
  notifyDeliveriesQueued(): void;
  /** Subscribes a worker to those wake-ups; returns the unsubscribe function. */
  onDeliveriesQueued(wake: () => void): () => void;
}
