// The dimensions a report groups and filters by: their API names, the keys they take in a row, and
// what kind of value they hold.
import { SUB_KEYS } from '../tracking/clicks/click.table.ts';

export const TIME_DIMENSIONS = ['hour', 'day', 'week', 'month'] as const;
export type TimeDimension = (typeof TIME_DIMENSIONS)[number];

/** Dimensions stored on a row: `column` names the column in the rollups and raw tables. */
export const ENTITY_DIMENSIONS = {
  advertiser: { key: 'advertiserId', column: 'advertiser_id', kind: 'id' },
  offer: { key: 'offerId', column: 'offer_id', kind: 'id' },
  goal: { key: 'goal', column: 'goal', kind: 'text' },
  publisher: { key: 'publisherId', column: 'publisher_id', kind: 'id' },
  link: { key: 'linkId', column: 'link_id', kind: 'id' },
  country: { key: 'country', column: 'country', kind: 'text' },
  device: { key: 'device', column: 'device', kind: 'text' },
  os: { key: 'os', column: 'os', kind: 'text' },
  browser: { key: 'browser', column: 'browser', kind: 'text' },
  // The offer's currency; every row is split by it (an implicit last grouping key).
  currency: { key: 'currency', column: 'currency', kind: 'text' },
  ...Object.fromEntries(SUB_KEYS.map((s) => [s, { key: s, column: s, kind: 'sub' }])),
} as Record<string, EntityDimension>;

export interface EntityDimension {
  key: string;
  column: string;
  /** id: an integer; text: a value the rollups hold; sub: a sub id, read from raw rows only. */
  kind: 'id' | 'text' | 'sub';
}

export type Dimension = TimeDimension | string;

export const DIMENSIONS: readonly string[] = [...TIME_DIMENSIONS, ...Object.keys(ENTITY_DIMENSIONS)];

export function isTimeDimension(d: string): d is TimeDimension {
  return (TIME_DIMENSIONS as readonly string[]).includes(d);
}

/** The key a dimension's value has in a report row. */
export function rowKeyOf(d: Dimension): string {
  return isTimeDimension(d) ? d : ENTITY_DIMENSIONS[d].key;
}

export const COUNT_METRICS = [
  'clicks',
  'uniqueClicks',
  'pending',
  'approved',
  'rejected',
  'declined',
  'reversed',
  'revenue',
  'payout',
] as const;
export type CountMetric = (typeof COUNT_METRICS)[number];

export const METRICS = [...COUNT_METRICS, 'conversions', 'profit', 'cr', 'epc', 'margin'] as const;
export type Metric = (typeof METRICS)[number];
