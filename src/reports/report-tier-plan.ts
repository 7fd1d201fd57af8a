// Which coarse click rollup a report can read, and how its local hours or days are put together
// from UTC data. Local days (and ranges without time grouping) are slices of UTC days' day
// profiles (planDaySlices). Local hours: a UTC hour is counted whole in the local hour that holds
// its midpoint; the part of it that lies in another local hour (in zones not a whole number of
// hours off UTC, and across DST changes) is added to that hour and taken off the cell's, from the
// 15-minute rollup (planTier).
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
    days: 'report_click_days_by_offer',
    dimensions: ['offer', 'advertiser'],
  },
  publisher: {
    table: 'report_clicks_by_publisher',
    columns: ['publisher_id'],
    days: 'report_click_days_by_publisher',
    dimensions: ['publisher'],
  },
} as const;
export type ClickTier = keyof typeof CLICK_TIERS;

/** A UTC range [from, to) whose time units all add to one local group and take off from another. */
export interface Correction {
  from: number;
  to: number;
}

export interface TierPlan {
  tier: ClickTier;
  /** The coarse cell: a UTC hour. */
  span: number;
  /** The local group's length: a local hour. */
  unit: number;
  /** Local group indexes reported, inclusive. */
  lo: number;
  hi: number;
  /** Coarse cells counted whole: [cellsFrom, cellsTo). */
  cellsFrom: number;
  cellsTo: number;
  /** Corrections read from the 15-minute rollup. */
  quarters: Correction[];
}

/** Every dimension a request groups, filters or is scoped by. */
export function dimensionsUsed(q: SumsRequest): string[] {
  return [...q.dimensions, ...q.include.map((f) => f.dimension), ...q.exclude.map((f) => f.dimension)]
    .concat(q.scope.publisherId !== undefined ? ['publisher'] : [])
    .concat(q.scope.advertiserId !== undefined ? ['advertiser'] : []);
}

/** The coarse tier that holds every dimension the request groups, filters or is scoped by; or none. */
export function tierFor(q: SumsRequest): ClickTier | null {
  if (q.raw) return null;
  // Clicks have no goal: grouping by it gives null, filtering on it narrows conversions only.
  const needed = dimensionsUsed(q)
    .filter((d) => d !== 'goal' && !(d === 'currency' && q.currency !== null))
    // Offers of several currencies: the currency is read through the offer.
    .map((d) => (d === 'currency' ? 'offer' : d));
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

/** Local hours from hourly cells and quarter-hour corrections. */
export function planTier(tier: ClickTier, q: SumsRequest): TierPlan {
  const unit = HOUR_MS;
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
  const quarters = runs.map(({ from, to }) => ({ from, to }));
  if (cellsFrom > cellsTo) cellsFrom = cellsTo = 0;
  return { tier, span, unit, lo, hi, cellsFrom, cellsTo, quarters };
}

/**
 * Part of a UTC day's day-profile row (quarter hours [from, to) of the day, 0…96) that adds to the
 * local day `shift` days after the UTC day (or, without time grouping, to the one row), on the
 * UTC days starting in `days`.
 */
export interface DaySlice {
  shift: number;
  from: number;
  to: number;
  days: Correction[];
}

/**
 * How the reported local days (or the range, without time grouping) are put together from day
 * profiles: each UTC day is cut where a local day starts or the range ends; days cut alike (all
 * but DST days, in most zones) share their slices.
 */
export function planDaySlices(q: Pick<SumsRequest, 'from' | 'to' | 'stretches' | 'timeUnit'>): DaySlice[] {
  const slices = new Map<string, DaySlice>();
  const add = (day: number, shift: number, from: number, to: number) => {
    const key = `${shift}:${from}:${to}`;
    let slice = slices.get(key);
    if (!slice) {
      slice = { shift, from, to, days: [] };
      slices.set(key, slice);
    }
    const last = slice.days[slice.days.length - 1];
    if (last && last.to === day) last.to = day + DAY_MS;
    else slice.days.push({ from: day, to: day + DAY_MS });
  };
  const quarters = DAY_MS / QUARTER_MS;
  let stretch = 0;
  for (let day = Math.floor(q.from / DAY_MS) * DAY_MS; day < q.to; day += DAY_MS) {
    // The local day (days after the UTC day) of each quarter hour; null outside the range.
    const shifts: (number | null)[] = [];
    for (let quarter = 0; quarter < quarters; quarter++) {
      const t = day + quarter * QUARTER_MS;
      while (stretch + 1 < q.stretches.length && q.stretches[stretch + 1].start <= t) stretch++;
      if (t < q.from || t >= q.to) shifts.push(null);
      else if (q.timeUnit === null) shifts.push(0);
      else shifts.push(Math.floor((t + q.stretches[stretch].offset) / DAY_MS) - day / DAY_MS);
    }
    let from = 0;
    for (let quarter = 1; quarter <= quarters; quarter++) {
      if (quarter < quarters && shifts[quarter] === shifts[from]) continue;
      const shift = shifts[from];
      if (shift !== null) add(day, shift, from, quarter);
      from = quarter;
    }
  }
  return [...slices.values()];
}
