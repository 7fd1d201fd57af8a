// The caps reached right now, kept in memory on each node so the click path can ask per click
// without a store read (docs/decisions/0025-caps-on-the-click-path.md). Read from the store every
// REACHED_CAPS_REFRESH_MS and at once after a catalog change; a conversion that fills a cap (or finds
// it full) marks it here at once. Day and month caps open again on the first click after midnight in
// TRACKWIRE_TIME_ZONE, from memory. Staleness: another node's conversions show after one refresh.
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Db } from '../db/database.types.ts';
import type { Clock } from '../shared/clock.ts';
import { type RouteDestination, routeDestination } from '../smartlinks/smartlink-resolver.ts';
import { listCapsWithUsage } from './cap.repository.ts';
import type { CapPeriod, OfferCapRow } from './cap.table.ts';
import { currentPeriodKeys, isCapReached, nextDayStart, periodKey } from './cap-period.ts';
import { MARK_HOLD_MS, REACHED_CAPS_REFRESH_MS } from './limits.ts';

export interface ReachedCaps {
  /** False when a cap of the offer, or of the offer × this publisher, is reached. */
  isAvailable(offerId: number, publisherId: number): boolean;
  /** The fallback URL of a reached cap whose clicks go elsewhere; null when the offer takes the click. */
  overCapDestination(offerId: number, publisherId: number): RouteDestination | null;
  /**
   * A conversion on this node filled the cap (or found it full) in the period `key`; the returned
   * function takes the mark back (the conversion gave its slot back).
   */
  markReached(cap: OfferCapRow, key: string): () => void;
  /** Reads the reached caps from the store now (coalesced with one already running). */
  refresh(): Promise<void>;
  /** Keeps the state fresh until the returned function is called (reference-counted). */
  watch(): () => void;
}

interface Reached {
  readonly publisherId: number | null;
  readonly period: CapPeriod;
  readonly key: string;
  readonly fallback: RouteDestination | null;
}

interface Mark {
  readonly reached: Reached;
  readonly offerId: number;
  readonly at: number;
}

export interface ReachedCapsDeps {
  db: Db;
  clock: Clock;
  timeZone: string;
  log: Logger;
  events: EventEmitter;
}

const add = (map: Map<number, Reached[]>, offerId: number, reached: Reached) => {
  const list = map.get(offerId);
  if (list) list.push(reached);
  else map.set(offerId, [reached]);
};
const applies = (r: Reached, publisherId: number) => r.publisherId === null || r.publisherId === publisherId;

export function createReachedCaps({ db, clock, timeZone, log, events }: ReachedCapsDeps): ReachedCaps {
  let byOffer = new Map<number, Reached[]>();
  // Clicks at or after this moment are in another day: periodic entries are checked again.
  let rolloverAt = Number.POSITIVE_INFINITY;
  let rolloverDay = '';
  let marks: Mark[] = [];
  const fallbacks = new Map<string, RouteDestination>();
  let running: Promise<void> | undefined;
  let again = false;
  let watchers = 0;
  let timer: NodeJS.Timeout | undefined;

  const keyOf = (period: CapPeriod, now: number) => periodKey(period, now, timeZone);
  const fallbackOf = (cap: OfferCapRow): RouteDestination | null => {
    if (cap.click_action !== 'fallback' || !cap.fallback_url) return null;
    let compiled = fallbacks.get(cap.fallback_url);
    if (!compiled) {
      compiled = routeDestination(cap.fallback_url);
      fallbacks.set(cap.fallback_url, compiled);
    }
    return compiled;
  };
  const reachedOf = (cap: OfferCapRow, key: string): Reached => ({
    publisherId: cap.publisher_id,
    period: cap.period,
    key,
    fallback: fallbackOf(cap),
  });

  /** Drops what belongs to a period that has ended; the store is read again behind it. */
  function rollOver(now: number): void {
    const next = new Map<number, Reached[]>();
    for (const [offerId, list] of byOffer) {
      for (const r of list) if (r.period === 'total' || r.key === keyOf(r.period, now)) add(next, offerId, r);
    }
    byOffer = next;
    rolloverDay = keyOf('day', now);
    rolloverAt = nextDayStart(now, timeZone);
    void refresh();
  }

  function reachedOfOffer(offerId: number): Reached[] | undefined {
    // The common cases cost one size check or one lookup; only a capped offer reads the clock.
    if (byOffer.size === 0 || !byOffer.has(offerId)) return undefined;
    const now = clock.now();
    if (now >= rolloverAt) rollOver(now);
    return byOffer.get(offerId);
  }

  function setReachedOfOffer(offerId: number, list: Reached[]): void {
    if (list.length > 0) byOffer.set(offerId, list);
    else byOffer.delete(offerId);
  }

  async function load(): Promise<void> {
    const now = clock.now();
    const keys = currentPeriodKeys(now, timeZone);
    const next = new Map<number, Reached[]>();
    const rows = await listCapsWithUsage(db, keys);
    fallbacks.clear();
    for (const cap of rows) {
      if (isCapReached(cap)) {
        add(next, cap.offer_id, reachedOf(cap, cap.period === 'total' ? 'total' : keys[cap.period]));
      }
    }
    // A mark may be read before its conversion commits: it stands for MARK_HOLD_MS whatever reads say.
    const held = performance.now() - MARK_HOLD_MS;
    marks = marks.filter(
      (m) => m.at >= held && (m.reached.period === 'total' || m.reached.key === keys[m.reached.period]),
    );
    for (const m of marks) add(next, m.offerId, m.reached);
    byOffer = next;
    if (keys.day !== rolloverDay) {
      rolloverDay = keys.day;
      rolloverAt = nextDayStart(now, timeZone);
    }
  }

  function refresh(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await load();
        } catch (err) {
          log.warn({ err }, 'reached caps not refreshed; clicks use the last known state');
        }
      } while (again);
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  const onTimer = () => void refresh();
  // A cap edited or deleted: what was marked under its old terms no longer holds.
  const onCatalogChanged = () => {
    marks = [];
    void refresh();
  };

  return {
    isAvailable(offerId, publisherId) {
      const list = reachedOfOffer(offerId);
      if (list === undefined) return true;
      for (const r of list) if (applies(r, publisherId)) return false;
      return true;
    },
    overCapDestination(offerId, publisherId) {
      const list = reachedOfOffer(offerId);
      if (list === undefined) return null;
      let found: RouteDestination | null = null;
      for (const r of list) {
        if (!applies(r, publisherId) || r.fallback === null) continue;
        // The publisher's own cap speaks before the offer's.
        if (r.publisherId !== null) return r.fallback;
        found ??= r.fallback;
      }
      return found;
    },
    markReached(cap, key) {
      const now = clock.now();
      if (cap.period !== 'total' && key !== keyOf(cap.period, now)) return () => {};
      const reached = reachedOf(cap, key);
      const offerId = cap.offer_id;
      marks.push({ reached, offerId, at: performance.now() });
      setReachedOfOffer(offerId, [...(byOffer.get(offerId) ?? []), reached]);
      if (rolloverAt === Number.POSITIVE_INFINITY) {
        rolloverDay = keyOf('day', now);
        rolloverAt = nextDayStart(now, timeZone);
      }
      return () => {
        marks = marks.filter((m) => m.reached !== reached);
        setReachedOfOffer(
          offerId,
          (byOffer.get(offerId) ?? []).filter((r) => r !== reached),
        );
      };
    },
    refresh,
    watch() {
      if (watchers++ === 0) {
        timer = setInterval(onTimer, REACHED_CAPS_REFRESH_MS);
        timer.unref();
        events.on('catalog.changed', onCatalogChanged);
        void refresh();
      }
      let stopped = false;
      return () => {
        if (stopped) return;
        stopped = true;
        if (--watchers === 0) {
          clearInterval(timer);
          events.off('catalog.changed', onCatalogChanged);
        }
      };
    },
  };
}
