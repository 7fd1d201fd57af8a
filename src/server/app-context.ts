// What every route and service needs, built once per process and passed down explicitly.
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { ReachedCaps } from '../caps/reached-caps.ts';
import type { Config } from '../config/config.ts';
import type { Store } from '../db/store.ts';
import type { Clock } from '../shared/clock.ts';
import type { OfferAvailability } from '../smartlinks/offer-availability.ts';

export interface AppContext {
  readonly config: Config;
  readonly store: Store;
  readonly clock: Clock;
  readonly log: Logger;
  /**
   * In-process notices between features. 'catalog.changed' is emitted after any advertiser, offer,
   * publisher, link or postback is created, updated or deleted, so in-memory caches can drop entries
   * (other nodes see the change when their short cache TTL runs out).
   */
  readonly events: EventEmitter;
  /** Wakes the local delivery worker after a commit that enqueued deliveries (no-op without one). */
  notifyDeliveriesQueued(): void;
  /** Subscribes a worker to those wake-ups; returns the unsubscribe function. */
  onDeliveriesQueued(wake: () => void): () => void;
  /** Whether an offer may take a SmartLink click now (caps plug in here); every offer when absent. */
  readonly offerAvailability?: OfferAvailability;
  /** The caps reached now, in memory: the click path asks it per click, never the store. */
  readonly reachedCaps?: ReachedCaps;
}
