// Offer caps: per offer and per offer × publisher, daily / monthly / total, on conversions or on
// payout. A conversion takes its slot in its own transaction (exact under concurrency on both
// stores); one over any cap is held or rejected as the cap says.
import type { Db } from '../db/database.types.ts';
import type { AppContext } from '../server/app-context.ts';
import { notFound } from '../shared/errors.ts';
import {
  deleteCap,
  findCapUsage,
  insertCap,
  listAllCaps,
  listCapsOfOffer,
  listCapsWithUsage,
  releaseCapUsage,
  takeCapUsage,
  updateCap,
} from './cap.repository.ts';
import type { CapAction, CapClickAction, CapMetric, CapPeriod, OfferCapRow } from './cap.table.ts';
import { checkCapFallbackUrl } from './cap-fallback.ts';
import { currentPeriodKeys, isCapReached, periodKey } from './cap-period.ts';

const TTL_MS = 5_000;

export interface CapInput {
  offerId: number;
  publisherId: number | null;
  period: CapPeriod;
  metric: CapMetric;
  limit: number;
  overAction: CapAction;
  /** What clicks do once the cap is reached (single-offer links; SmartLinks always skip the offer). */
  clickAction?: CapClickAction;
  fallbackUrl?: string | null;
}

export type CapPatch = Partial<Omit<CapInput, 'offerId' | 'publisherId'>>;

export interface CapView extends Required<CapInput> {
  id: number;
  /** Used in the current period. */
  used: number;
  /** Used reached the limit: single-offer clicks follow clickAction, SmartLinks skip the offer. */
  reached: boolean;
}

export interface ReachedCapView {
  capId: number;
  offerId: number;
  publisherId: number | null;
  period: CapPeriod;
  clickAction: CapClickAction;
}

/** Slots taken by one conversion, to give back if it turns out to be a duplicate. */
export interface CapTaken {
  capId: number;
  key: string;
  amount: number;
  /** Takes back the in-memory mark this slot set when it filled the cap. */
  unmark?: () => void;
}

export type CapOutcome = { ok: true; taken: CapTaken[] } | { ok: false; action: CapAction; capId: number };

const applies = (cap: OfferCapRow, publisherId: number) =>
  cap.publisher_id === null || cap.publisher_id === publisherId;
const amountOf = (cap: OfferCapRow, payout: number) => (cap.metric === 'payout' ? payout : 1);

interface CapsCache {
  ofOffer(offerId: number): Promise<OfferCapRow[]>;
}
const caches = new WeakMap<AppContext, CapsCache>();

/** Caps by offer, kept briefly in memory (cleared by 'catalog.changed'); one read for all offers. */
function capsCache(ctx: AppContext): CapsCache {
  let cache = caches.get(ctx);
  if (cache) return cache;
  let loaded: { byOffer: Map<number, OfferCapRow[]>; expiresAt: number } | undefined;
  let generation = 0;
  ctx.events.on('catalog.changed', () => {
    generation++;
    loaded = undefined;
  });
  cache = {
    async ofOffer(offerId) {
      if (!loaded || loaded.expiresAt <= Date.now()) {
        const started = generation;
        const byOffer = new Map<number, OfferCapRow[]>();
        for (const cap of await listAllCaps(ctx.store.db)) {
          byOffer.set(cap.offer_id, [...(byOffer.get(cap.offer_id) ?? []), cap]);
        }
        if (started !== generation) return byOffer.get(offerId) ?? [];
        loaded = { byOffer, expiresAt: Date.now() + TTL_MS };
      }
      return loaded.byOffer.get(offerId) ?? [];
    },
  };
  caches.set(ctx, cache);
  return cache;
}

/** Whether any cap applies to conversions of this offer from this publisher. */
export async function offerHasCaps(ctx: AppContext, offerId: number, publisherId: number): Promise<boolean> {
  return (await capsCache(ctx).ofOffer(offerId)).some((cap) => applies(cap, publisherId));
}

/** Takes this conversion's slot in every cap that applies, inside the conversion's transaction. */
export async function takeCapSlots(
  ctx: AppContext,
  trx: Db,
  c: { offerId: number; publisherId: number; payout: number; now: number },
): Promise<CapOutcome> {
  const taken: CapTaken[] = [];
  for (const cap of await capsCache(ctx).ofOffer(c.offerId)) {
    if (!applies(cap, c.publisherId)) continue;
    const slot = {
      capId: Number(cap.id),
      key: periodKey(cap.period, c.now, ctx.config.timeZone),
      amount: amountOf(cap, c.payout),
    };
    const used = await takeCapUsage(trx, slot.capId, slot.key, slot.amount, Number(cap.cap_limit));
    if (used === null) {
      // Found full: this node's clicks learn it now, other nodes at their next refresh.
      ctx.reachedCaps?.markReached(cap, slot.key);
      await releaseCapSlots(trx, taken);
      return { ok: false, action: cap.over_action, capId: slot.capId };
    }
    const filled = used >= Number(cap.cap_limit);
    taken.push(filled ? { ...slot, unmark: ctx.reachedCaps?.markReached(cap, slot.key) } : slot);
  }
  return { ok: true, taken };
}

export async function releaseCapSlots(trx: Db, taken: readonly CapTaken[]): Promise<void> {
  for (const t of taken) {
    await releaseCapUsage(trx, t.capId, t.key, t.amount);
    t.unmark?.();
  }
}

function toCapView(cap: OfferCapRow, used: number): CapView {
  const limit = Number(cap.cap_limit);
  return {
    id: Number(cap.id),
    offerId: cap.offer_id,
    publisherId: cap.publisher_id,
    period: cap.period,
    metric: cap.metric,
    limit,
    overAction: cap.over_action,
    clickAction: cap.click_action,
    fallbackUrl: cap.fallback_url,
    used,
    reached: used >= limit,
  };
}

export async function listOfferCaps(ctx: AppContext, offerId: number): Promise<CapView[]> {
  const now = ctx.clock.now();
  const caps = await listCapsOfOffer(ctx.store.db, offerId);
  return Promise.all(
    caps.map(async (cap) =>
      toCapView(
        cap,
        await findCapUsage(ctx.store.db, Number(cap.id), periodKey(cap.period, now, ctx.config.timeZone)),
      ),
    ),
  );
}

export async function createOfferCap(ctx: AppContext, input: CapInput): Promise<CapView> {
  const clickAction = input.clickAction ?? 'offer';
  const fallbackUrl = input.fallbackUrl ?? null;
  checkCapFallbackUrl(clickAction, fallbackUrl);
  const row = await insertCap(ctx.store.db, {
    offer_id: input.offerId,
    publisher_id: input.publisherId,
    period: input.period,
    metric: input.metric,
    cap_limit: input.limit,
    over_action: input.overAction,
    click_action: clickAction,
    fallback_url: fallbackUrl,
    created_at: ctx.clock.now(),
  });
  ctx.events.emit('catalog.changed');
  return toCapView(row, 0);
}

export async function updateOfferCap(
  ctx: AppContext,
  offerId: number,
  capId: number,
  patch: CapPatch,
): Promise<CapView> {
  const current = (await listCapsOfOffer(ctx.store.db, offerId)).find((c) => Number(c.id) === capId);
  if (!current) throw notFound('cap');
  const clickAction = patch.clickAction ?? current.click_action;
  const fallbackUrl = patch.fallbackUrl === undefined ? current.fallback_url : patch.fallbackUrl;
  checkCapFallbackUrl(clickAction, fallbackUrl);
  const row = await updateCap(ctx.store.db, offerId, capId, {
    period: patch.period,
    metric: patch.metric,
    cap_limit: patch.limit,
    over_action: patch.overAction,
    click_action: clickAction,
    fallback_url: fallbackUrl,
  });
  if (!row) throw notFound('cap');
  ctx.events.emit('catalog.changed');
  const key = periodKey(row.period, ctx.clock.now(), ctx.config.timeZone);
  return toCapView(row, await findCapUsage(ctx.store.db, capId, key));
}

/** The caps reached in their current period, read from the store (every node agrees on it). */
export async function listReachedCaps(ctx: AppContext): Promise<ReachedCapView[]> {
  const keys = currentPeriodKeys(ctx.clock.now(), ctx.config.timeZone);
  return (await listCapsWithUsage(ctx.store.db, keys)).filter(isCapReached).map((cap) => ({
    capId: Number(cap.id),
    offerId: cap.offer_id,
    publisherId: cap.publisher_id,
    period: cap.period,
    clickAction: cap.click_action,
  }));
}

export async function deleteOfferCap(ctx: AppContext, offerId: number, capId: number): Promise<void> {
  if (!(await deleteCap(ctx.store.db, offerId, capId))) throw notFound('cap');
  ctx.events.emit('catalog.changed');
}
