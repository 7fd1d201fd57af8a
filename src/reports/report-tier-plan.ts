// Which coarse click rollup a report can read, and how its local hours or days are put together
// from UTC cells. A UTC cell (an hour, or a day) is counted whole in the local group that holds its
// midpoint; the part of it that lies in another local group (in zones not a whole number of cells
// off UTC, and across DST changes) is added to that group and taken off the cell's, from the next
// finer rollup: hours from the hourly tier, quarter hours from the 15-minute rollup.
import type { SumsRequest } from './report.repository.ts';
import type { OffsetStretch } from './time-zone.ts';

export const QUARTER_MS = 900_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The coarse click rollups and the dimensions each holds. */
export const CLICK_TIERS = {
  offer: {
    table: 'report_clicks_by_offer',
    columns: ['offer_id', 'advertiser_id'],
    dimensions: ['offer', 'advertiser'],
  },
  publisher: { table: 'report_clicks_by_publisher', columns: ['publisher_id'], dimensions: ['publisher'] },
} as const;
export type ClickTier = keyof typeof CLICK_TIERS;

/** A UTC range [from, to) whose time units all add to one local group and take off from another. */
export interface Correction {
  from: number;
  to: number;
}

export interface TierPlan {
  tier: ClickTier;
  /** The coarse cell: a UTC hour or day. */
  span: number;
  /** The local group's length: a local hour or day. */
  unit: number;
  /** Local group indexes reported, inclusive. */
  lo: number;
  hi: number;
  /** Coarse cells counted whole: [cellsFrom, cellsTo). */
  cellsFrom: number;
  cellsTo: number;
  /** Corrections read from the hourly tier and from the 15-minute rollup. */
  hours: Correction[];
  quarters: Correction[];
}

/** The coarse tier that holds every dimension the request groups, filters or is scoped by; or none. */
export function tierFor(q: SumsRequest): ClickTier | null {
  if (q.raw) return null;
  // Clicks have no goal: grouping by it gives null, filtering on it narrows conversions only.
  const needed = [...q.dimensions, ...q.include.map((f) => f.dimension), ...q.exclude.map((f) => f.dimension)]
    .filter((d) => d !== 'goal' && !(d === 'currency' && q.currency !== null))
    // Offers of several currencies: the currency is read through the offer.
    .map((d) => (d === 'currency' ? 'offer' : d))
    .concat(q.scope.publisherId !== undefined ? ['publisher'] : [])
    .concat(q.scope.advertiserId !== undefined ? ['advertiser'] : []);
  for (const tier of Object.keys(CLICK_TIERS) as ClickTier[]) {
    const held: readonly string[] = CLICK_TIERS[tier].dimensions;
    if (needed.every((d) => held.includes(d))) return tier;
  }
  return null;
}

function offsetOf(stretches: OffsetStretch[], t: number): number {
  let offset = stretches[0].offset;
  for (const s of stretches) {
    if (s.start > t) break;
    offset = s.offset;
  }
  return offset;
}

export function planTier(tier: ClickTier, q: SumsRequest): TierPlan {
  const unit = q.timeUnit === 'hour' ? HOUR_MS : DAY_MS;
  const span = unit;
  const group = (t: number) => Math.floor((t + offsetOf(q.stretches, t)) / unit);
  const lo = group(q.from);
  const hi = group(q.to - 1);
  const inRange = (g: number) => g >= lo && g <= hi;
  // A correction matters when either side is reported; without time grouping, only when one is.
  const matters = (plus: number, minus: number) =>
    q.timeUnit === null ? inRange(plus) !== inRange(minus) : inRange(plus) || inRange(minus);

  const first = Math.floor(q.from / span) * span - span;
  const last = Math.ceil(q.to / span) * span + span;
  let cellsFrom = Number.POSITIVE_INFINITY;
  let cellsTo = Number.NEGATIVE_INFINITY;
  const runs: { from: number; to: number; key: string }[] = [];
  for (let cell = first; cell < last; cell += span) {
    const owner = group(cell + span / 2);
    if (inRange(owner)) {
      cellsFrom = Math.min(cellsFrom, cell);
      cellsTo = Math.max(cellsTo, cell + span);
    }
    for (let t = cell; t < cell + span; t += QUARTER_MS) {
      const plus = group(t);
      if (plus === owner || !matters(plus, owner)) continue;
      const key = `${plus}:${owner}`;
      const run = runs[runs.length - 1];
      if (run && run.to === t && run.key === key) run.to += QUARTER_MS;
      else runs.push({ from: t, to: t + QUARTER_MS, key });
    }
  }
  const hours: Correction[] = [];
  const quarters: Correction[] = [];
  for (const { from, to } of runs) {
    // Whole hours of a run come from the hourly tier when the cells are days.
    const a = span === DAY_MS ? Math.ceil(from / HOUR_MS) * HOUR_MS : to;
    const b = span === DAY_MS ? Math.floor(to / HOUR_MS) * HOUR_MS : to;
    if (a < b) {
      hours.push({ from: a, to: b });
      if (from < a) quarters.push({ from, to: a });
      if (b < to) quarters.push({ from: b, to });
    } else quarters.push({ from, to });
  }
  if (cellsFrom > cellsTo) cellsFrom = cellsTo = 0;
  return { tier, span, unit, lo, hi, cellsFrom, cellsTo, hours, quarters };
}
