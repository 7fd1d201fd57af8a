// Which of a publisher's postbacks fire for one conversion event. Pure, so the outbox write and the
// "why did (or didn't) it fire?" diagnosis apply exactly the same rules.
//
// Precedence (the seeds' "offer-level override"): the most specific level that fires wins.
//   goal postback    — same offer and same goal key
//   link postback    — same tracking link (one flow of the publisher on that offer, every goal)
//   offer postback   — same offer
//   global postback  — every offer of the publisher
// A level is skipped when a more specific level has a postback that fires for this event, unless
// the less specific postback has fireWithSpecific set (offer postbacks may set it to fire beside
// goal postbacks, global ones to fire beside either). Only postbacks that would actually fire (scope
// AND status filter) override: a goal postback for "approved" only does not silence the global one
// for a pending event, because then nothing at all would tell the publisher about it.
import type { ConversionRow, Status } from '../conversions/conversion.table.ts';
import type { PostbackRow } from './postback.table.ts';

export type ScopeLevel = 'goal' | 'link' | 'offer' | 'global';
const LEVEL_RANK: Record<ScopeLevel, number> = { goal: 4, link: 3, offer: 2, global: 1 };

type Target = Pick<ConversionRow, 'publisher_id' | 'offer_id' | 'goal' | 'link_id'>;

/** The columns of a postback these rules read. */
export const MATCHED_COLUMNS = [
  'id',
  'publisher_id',
  'scope',
  'offer_id',
  'goal',
  'link_id',
  'enabled',
  'statuses',
  'fire_with_specific',
] as const satisfies readonly (keyof PostbackRow)[];
export type MatchedPostback = Pick<PostbackRow, (typeof MATCHED_COLUMNS)[number]>;

const parsedStatuses = new Map<string, ReadonlySet<string>>();

/** The statuses a postback fires for (its `statuses` column is a JSON array). */
export function postbackStatuses(postback: Pick<PostbackRow, 'statuses'>): ReadonlySet<string> {
  let set = parsedStatuses.get(postback.statuses);
  if (set === undefined) {
    let list: unknown = [];
    try {
      list = JSON.parse(postback.statuses);
    } catch {
      // A corrupt filter fires for nothing rather than for everything.
    }
    set = new Set(Array.isArray(list) ? list.filter((s): s is string => typeof s === 'string') : []);
    if (parsedStatuses.size > 1_000) parsedStatuses.clear();
    parsedStatuses.set(postback.statuses, set);
  }
  return set;
}

/** The level at which the postback concerns this conversion, or undefined when its scope misses it. */
export function scopeLevelFor(postback: MatchedPostback, target: Target): ScopeLevel | undefined {
  if (postback.publisher_id !== target.publisher_id) return undefined;
  if (postback.scope === 'global') return 'global';
  if (postback.offer_id !== target.offer_id) return undefined;
  if (postback.scope === 'offer') return 'offer';
  if (postback.scope === 'link') return postback.link_id === target.link_id ? 'link' : undefined;
  return postback.goal === target.goal ? 'goal' : undefined;
}

/**
 * Rewards ledger entries written by hand (no conversion behind them). A global URL postback fires
 * for one when its status filter names the entry's kind beside, or instead of, conversion statuses.
 */
export const LEDGER_EVENTS = ['adjustment', 'redemption'] as const;

export function firesForStatus(postback: Pick<PostbackRow, 'statuses'>, status: Status): boolean {
  return postbackStatuses(postback).has(status);
}

/** Why a postback does or does not owe a delivery for one event. */
export type FiringVerdict<P extends MatchedPostback> =
  | { fires: true }
  | { fires: false; reason: 'out_of_scope' | 'switched_off' | 'status_filter' }
  /** `winner`: the most specific postback that fires for the event, the one that wins. */
  | { fires: false; reason: 'overridden'; winner: P };

/** Whether the postback itself is on, concerns the conversion and fires for the status. */
function firesOnItsOwn(postback: MatchedPostback, target: Target, status: Status): boolean {
  return (
    postback.enabled === 1 &&
    firesForStatus(postback, status) &&
    scopeLevelFor(postback, target) !== undefined
  );
}

/** The most specific postback that fires for this event on its own (the first of a level on ties). */
function findWinner<P extends MatchedPostback>(
  postbacks: readonly P[],
  target: Target,
  status: Status,
): P | undefined {
  let winner: P | undefined;
  let top = 0;
  for (const postback of postbacks) {
    if (!firesOnItsOwn(postback, target, status)) continue;
    const rank = LEVEL_RANK[scopeLevelFor(postback, target) as ScopeLevel];
    if (rank > top) {
      top = rank;
      winner = postback;
    }
  }
  return winner;
}

function judgeAgainst<P extends MatchedPostback>(
  postback: MatchedPostback,
  winner: P | undefined,
  target: Target,
  status: Status,
): FiringVerdict<P> {
  const level = scopeLevelFor(postback, target);
  if (level === undefined) return { fires: false, reason: 'out_of_scope' };
  if (postback.enabled !== 1) return { fires: false, reason: 'switched_off' };
  if (!firesForStatus(postback, status)) return { fires: false, reason: 'status_filter' };
  if (postback.fire_with_specific === 1 || winner === undefined) return { fires: true };
  const winnerLevel = scopeLevelFor(winner, target) as ScopeLevel;
  return LEVEL_RANK[winnerLevel] > LEVEL_RANK[level]
    ? { fires: false, reason: 'overridden', winner }
    : { fires: true };
}

/**
 * Would `postback` owe a delivery for an event moving this conversion to `status`, given all the
 * publisher's postbacks for the offer? The one rule behind both the outbox write and diagnose.
 */
export function judgeFiring<P extends MatchedPostback>(
  postback: MatchedPostback,
  all: readonly P[],
  target: Target,
  status: Status,
): FiringVerdict<P> {
  return judgeAgainst(postback, findWinner(all, target, status), target, status);
}

/** The postbacks that owe a delivery for `status` on this conversion, after precedence. */
export function selectFiringPostbacks<P extends MatchedPostback>(
  postbacks: readonly P[],
  target: Target,
  status: Status,
): P[] {
  const winner = findWinner(postbacks, target, status);
  if (winner === undefined) return [];
  return postbacks.filter((postback) => judgeAgainst(postback, winner, target, status).fires);
}
