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

export function firesForStatus(postback: Pick<PostbackRow, 'statuses'>, status: Status): boolean {
  return postbackStatuses(postback).has(status);
}

/** The most specific level that has an enabled postback firing for this event (0 when none). */
function topFiringRank(postbacks: readonly MatchedPostback[], target: Target, status: Status): number {
  let top = 0;
  for (const postback of postbacks) {
    if (postback.enabled !== 1 || !firesForStatus(postback, status)) continue;
    const level = scopeLevelFor(postback, target);
    if (level !== undefined) top = Math.max(top, LEVEL_RANK[level]);
  }
  return top;
}

/**
 * The postback that overrides `postback` for this event, if one does: a more specific, enabled
 * postback that fires for the status, when `postback` has no fireWithSpecific.
 */
export function findOverridingPostback<P extends MatchedPostback>(
  postback: MatchedPostback,
  all: readonly P[],
  target: Target,
  status: Status,
): P | undefined {
  const level = scopeLevelFor(postback, target);
  if (level === undefined || postback.fire_with_specific === 1) return undefined;
  return all.find((other) => {
    if (other.id === postback.id || other.enabled !== 1 || !firesForStatus(other, status)) return false;
    const otherLevel = scopeLevelFor(other, target);
    return otherLevel !== undefined && LEVEL_RANK[otherLevel] > LEVEL_RANK[level];
  });
}

/** The enabled postbacks that fire for `status` on this conversion, after precedence. */
export function selectFiringPostbacks<P extends MatchedPostback>(
  postbacks: readonly P[],
  target: Target,
  status: Status,
): P[] {
  const top = topFiringRank(postbacks, target, status);
  if (top === 0) return [];
  return postbacks.filter((postback) => {
    if (postback.enabled !== 1 || !firesForStatus(postback, status)) return false;
    const level = scopeLevelFor(postback, target);
    if (level === undefined) return false;
    return LEVEL_RANK[level] === top || postback.fire_with_specific === 1;
  });
}
