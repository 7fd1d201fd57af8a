// Report SQL: sums of clicks and of conversions per time index and dimensions, from the rollups or
// (for sub id dimensions) from raw rows. The local time of a row is its UTC time plus the zone's
// offset, written as a CASE over the few offset stretches of the range; hour and day indexes are
// then integer divisions, the same SQL on both stores.
import { type RawBuilder, sql } from 'kysely';
import { QUARTERS_PER_DAY } from '../db/common/click-rollup.ts';
import type { Db } from '../db/database.types.ts';
import { readManyRows } from '../db/many-rows.ts';
import { groupsBySorting, inKeyRanges, inRanges, readingRollupRange } from '../db/rollup-range-reads.ts';
import { ENTITY_DIMENSIONS } from './report-dimensions.ts';
import type { DimensionFilter } from './report-query.ts';
import {
  CLICK_TIERS,
  type ClickTier,
  type Correction,
  DAY_MS,
  type DaySlice,
  dimensionsUsed,
  HOUR_MS,
  planDaySlices,
  planTier,
  QUARTER_MS,
  type TierPlan,
  tierFor,
} from './report-tier-plan.ts';
import type { OffsetStretch } from './time-zone.ts';

export interface SumsRequest {
  /** UTC range [from, to). */
  from: number;
  to: number;
  stretches: OffsetStretch[];
  /** The time index to group by: local hours or local days since the epoch; none when not grouped by time. */
  timeUnit: 'hour' | 'day' | null;
  /** Entity dimensions grouped by (ENTITY_DIMENSIONS names). */
  dimensions: string[];
  include: DimensionFilter[];
  exclude: DimensionFilter[];
  /** Rows limited to one publisher or advertiser (the caller's scope). */
  scope: { publisherId?: number; advertiserId?: number };
  raw: boolean;
  attribution: 'conversion' | 'click';
  /** The one currency every offer has (inlined), or null when offers differ (read by joining offers). */
  currency: string | null;
}

/** A sum row: `t` the time index, `d0`… the dimensions, then the measures (strings on PostgreSQL). */
export type SumRow = Record<string, unknown>;

interface Source {
  from: string;
  /** The offer id column, which the currency is read through. */
  offer: string;
  time: string;
  /** A dimension's expression, or null when this source does not have it. */
  column(dimension: string): string | null;
  measures: RawBuilder<unknown>;
  /** The measures' names, in order. */
  measureNames: readonly string[];
}

const UNIT_MS = { hour: 3_600_000, day: 86_400_000 };
const CLICK_MEASURES = ['clicks', 'unique_clicks'];
const CONVERSION_MEASURES = ['pending', 'approved', 'rejected', 'declined', 'reversed', 'revenue', 'payout'];

/** The time index and dimension columns of a sum row. */
const keysOf = (q: SumsRequest) => [
  ...(q.timeUnit !== null ? ['t'] : []),
  ...q.dimensions.map((_, i) => `d${i}`),
];
const counted = (v: string, column: string) =>
  `sum(case when ${v}.status in ('pending', 'approved') then ${v}.${column} else 0 end)`;
const byStatus = (v: string) =>
  ['pending', 'approved', 'rejected', 'declined', 'reversed']
    .map((s) => `sum(case when ${v}.status = '${s}' then 1 else 0 end) as ${s}`)
    .join(', ');

function clickSource(raw: boolean): Source {
  if (raw) {
    return {
      from: 'clicks c',
      offer: 'c.offer_id',
      time: 'c.created_at',
      column: (d) => (d === 'goal' ? null : textOr(d, `c.${ENTITY_DIMENSIONS[d].column}`)),
      measures: sql`count(*) as clicks, sum(c.is_unique) as unique_clicks`,
      measureNames: CLICK_MEASURES,
    };
  }
  return {
    // The rollup plus the clicks stored since its last catch-up (migration 0009).
    from: 'report_clicks_now r',
    offer: 'r.offer_id',
    time: 'r.bucket',
    column: (d) => (d === 'goal' ? null : `r.${ENTITY_DIMENSIONS[d].column}`),
    measures: sql`sum(r.clicks) as clicks, sum(r.unique_clicks) as unique_clicks`,
    measureNames: CLICK_MEASURES,
  };
}

function conversionSource(raw: boolean, attribution: 'conversion' | 'click'): Source {
  if (raw) {
    const onClick = (d: string) => ['country', 'device', 'os', 'browser'].includes(d) || d.startsWith('sub');
    return {
      from: 'conversions v left join clicks c on c.id = v.click_id',
      offer: 'v.offer_id',
      time: attribution === 'click' ? 'coalesce(c.created_at, v.created_at)' : 'v.created_at',
      column: (d) => textOr(d, `${onClick(d) ? 'c' : 'v'}.${ENTITY_DIMENSIONS[d].column}`),
      measures: sql.raw(
        `${byStatus('v')}, ${counted('v', 'revenue')} as revenue, ${counted('v', 'payout')} as payout`,
      ),
      measureNames: CONVERSION_MEASURES,
    };
  }
  return {
    // The rollup plus the conversions stored since its last catch-up, where a store has one (migration 0026).
    from: 'report_conversions_now r',
    offer: 'r.offer_id',
    time: attribution === 'click' ? 'r.click_bucket' : 'r.bucket',
    column: (d) => `r.${ENTITY_DIMENSIONS[d].column}`,
    measures: sql`sum(r.pending) as pending, sum(r.approved) as approved, sum(r.rejected) as rejected,
      sum(r.declined) as declined, sum(r.reversed) as reversed, sum(r.revenue) as revenue, sum(r.payout) as payout`,
    measureNames: CONVERSION_MEASURES,
  };
}

/** Raw text dimensions may be null; the rollups hold '' for that. */
function textOr(d: string, expression: string): string {
  return ENTITY_DIMENSIONS[d].kind === 'id' ? expression : `coalesce(${expression}, '')`;
}

/** Local time of `time` (UTC ms) as a CASE over the offset stretches. Integers we made, inlined. */
function localTime(time: string, stretches: OffsetStretch[]): string {
  if (stretches.length === 1) return `(${time} + ${stretches[0].offset})`;
  const cases = stretches
    .slice(1)
    .map((s, i) => `when ${time} < ${s.start} then ${stretches[i].offset}`)
    .join(' ');
  return `(${time} + case ${cases} else ${stretches[stretches.length - 1].offset} end)`;
}

/** The scope and filter conditions of a request on a source. */
function filtersOn(column: (dimension: string) => string | null, q: SumsRequest): RawBuilder<unknown>[] {
  const where: RawBuilder<unknown>[] = [];
  if (q.scope.publisherId !== undefined)
    where.push(sql`${sql.raw(column('publisher') ?? '')} = ${q.scope.publisherId}`);
  if (q.scope.advertiserId !== undefined)
    where.push(sql`${sql.raw(column('advertiser') ?? '')} = ${q.scope.advertiserId}`);
  for (const [filters, negate] of [
    [q.include, false],
    [q.exclude, true],
  ] as const) {
    for (const f of filters) {
      const c = column(f.dimension);
      // Clicks have no goal: a goal filter narrows conversions only.
      if (c === null) continue;
      const list = sql.join(f.values.map((v) => sql`${v}`));
      where.push(negate ? sql`${sql.raw(c)} not in (${list})` : sql`${sql.raw(c)} in (${list})`);
    }
  }
  return where;
}

/**
 * A row's currency is its offer's: inlined when every offer has one currency, else read by joining
 * offers. Returns the FROM clause and the column of each dimension, currency included.
 */
export function withCurrency(
  q: Pick<SumsRequest, 'currency'>,
  from: string,
  offer: string,
  column: (d: string) => string | null,
): { from: string; column: (d: string) => string | null } {
  const currency = q.currency === null ? "coalesce(o.currency, '')" : `'${q.currency}'`;
  return {
    from: q.currency === null ? `${from} left join offers o on o.id = ${offer}` : from,
    column: (d) => (d === 'currency' ? currency : column(d)),
  };
}

function sumsFrom(db: Db, plain: Source, q: SumsRequest): Promise<SumRow[]> {
  const source = { ...plain, ...withCurrency(q, plain.from, plain.offer, plain.column) };
  const select: string[] = [];
  // Literals (the one currency, a dimension the source lacks) are not grouped by: a constant key
  // would keep SQLite from grouping in an index's order.
  const groups: number[] = [];
  if (q.timeUnit) {
    select.push(`${localTime(source.time, q.stretches)} / ${UNIT_MS[q.timeUnit]} as t`);
    groups.push(1);
  }
  for (const [i, d] of q.dimensions.entries()) {
    const column = source.column(d) ?? 'null';
    select.push(`${column} as d${i}`);
    if (column !== 'null' && !column.startsWith("'")) groups.push(select.length);
  }
  const where: RawBuilder<unknown>[] = [
    sql`${sql.raw(source.time)} >= ${q.from}`,
    sql`${sql.raw(source.time)} < ${q.to}`,
    ...filtersOn(source.column, q),
  ];
  const query = sql<SumRow>`select ${sql.raw(select.length ? `${select.join(', ')}, ` : '')}${source.measures}
    from ${sql.raw(source.from)} where ${sql.join(where, sql` and `)}
    ${sql.raw(groups.length ? `group by ${groups.join(', ')}` : '')}`;
  return readManyRows(db, query, [...keysOf(q), ...source.measureNames]);
}

/**
 * Ranges of up to a month read the rollups through their key (readingRollupRange); a longer one
 * takes most of a store's rollup rows, which a scan reads faster.
 */
function readingRange<T>(db: Db, q: SumsRequest, read: (db: Db) => Promise<T>): Promise<T> {
  return q.to - q.from <= 31 * DAY_MS ? readingRollupRange(db, read) : read(db);
}

export function sumClicks(db: Db, q: SumsRequest): Promise<SumRow[]> {
  const tier = tierFor(q);
  if (tier && q.timeUnit !== 'hour') return sumClicksFromDayProfiles(db, tier, q);
  if (tier) return sumClicksFromTier(db, planTier(tier, q), q);
  return sumsFrom(db, clickSource(q.raw), q);
}

const within = (expr: string, ranges: Correction[]) => sql.raw(inRanges(expr, ranges));

/** A select of one arm over a day-profile table (or the raw tail): `t`, the dimensions, then `columns`. */
function profileArm(tier: ClickTier, q: SumsRequest) {
  const held: readonly string[] = CLICK_TIERS[tier].dimensions;
  const column = (d: string) => (held.includes(d) ? `r.${ENTITY_DIMENSIONS[d].column}` : null);
  return (from: string, t: string, columns: string, where: RawBuilder<unknown>[]) => {
    const c = withCurrency(q, `${from} r`, 'r.offer_id', column);
    const dims = q.dimensions.map((d, i) => `${c.column(d) ?? 'null'} as d${i}, `).join('');
    const all = [...where, ...filtersOn(c.column, q)];
    return sql`select ${sql.raw(`${q.timeUnit !== null ? `${t} as t, ` : ''}${dims}${columns}`)}
      from ${sql.raw(c.from)} where ${sql.join(all, sql` and `)}`;
  };
}

/** The clicks (or unique clicks) of a day-profile row's quarter hours [from, to). */
function profilePart(from: number, to: number, unique: boolean): string {
  const prefix = (k: number) =>
    k === QUARTERS_PER_DAY ? `r.${unique ? 'unique_clicks' : 'clicks'}` : `r.${unique ? 'u' : 'c'}${k}`;
  return from === 0 ? prefix(to) : `${prefix(to)} - ${prefix(from)}`;
}

/** The raw tail's arm: the clicks after the catch-up's mark, by local day. */
function tailArm(q: SumsRequest, arm: ReturnType<typeof profileArm>, columns: string): RawBuilder<unknown> {
  return arm('report_clicks_tail', `${localTime('r.created_at', q.stretches)} / ${DAY_MS}`, columns, [
    sql`r.created_at >= ${q.from}`,
    sql`r.created_at < ${q.to}`,
  ]);
}

/**
 * Clicks by local day (or over the range) from a tier's day profiles (planDaySlices): each slice
 * is the difference of two prefix columns of its UTC days' rows. The clicks after the catch-up's
 * mark are read raw, in the same statement, so both are of one moment. Stores that sort to group
 * (SQLite) read one arm per slice, each a range of the profile's key; others read the days once.
 */
function sumClicksFromDayProfiles(db: Db, tier: ClickTier, q: SumsRequest): Promise<SumRow[]> {
  if (!groupsBySorting(db)) return sumClicksFromDayProfilesOnce(db, tier, q);
  const arm = profileArm(tier, q);
  const arms = planDaySlices(q).map((s) =>
    arm(
      CLICK_TIERS[tier].days,
      `r.day / ${DAY_MS} + ${s.shift}`,
      `${profilePart(s.from, s.to, false)} as clicks, ${profilePart(s.from, s.to, true)} as unique_clicks`,
      [within('r.day', s.days)],
    ),
  );
  arms.push(tailArm(q, arm, '1 as clicks, r.is_unique as unique_clicks'));
  const keys = keysOf(q);
  const query = sql<SumRow>`select ${sql.raw(keys.map((k) => `${k}, `).join(''))}sum(clicks) as clicks,
      sum(unique_clicks) as unique_clicks
    from (${sql.join(arms, sql` union all `)}) x ${sql.raw(keys.length ? `group by ${keys.join(', ')}` : '')}`;
  return readManyRows(db, query, [...keys, ...CLICK_MEASURES]);
}

/**
 * Day profiles read in one pass over the range's days (PostgreSQL), where one arm per slice read
 * most rows twice: each slice's part of a row is in its own pair of columns (`c0`, `u0`, `c1`…),
 * spread here to the local days they add to; the raw tail fills the last pair, by local day.
 * Ranges of up to a month are read through the profile's key (readingRange).
 */
async function sumClicksFromDayProfilesOnce(db: Db, tier: ClickTier, q: SumsRequest): Promise<SumRow[]> {
  const timed = q.timeUnit !== null;
  const slices = planDaySlices(q);
  const pairs = slices.length + 1;
  const arm = profileArm(tier, q);
  const pair = (k: number, clicks: string, unique: string) => `${clicks} as c${k}, ${unique} as u${k}`;
  // Typed: an arm grouped alone would sum an untyped null as text.
  const none = (k: number) => pair(k, 'cast(null as integer)', 'cast(null as integer)');
  const days = slices.flatMap((s) => s.days);
  const parts = slices.map((s, k) => {
    const when = `case when ${inRanges('r.day', s.days)} then `;
    return pair(
      k,
      `${when}${profilePart(s.from, s.to, false)} end`,
      `${when}${profilePart(s.from, s.to, true)} end`,
    );
  });
  const profiles = days.length
    ? arm(CLICK_TIERS[tier].days, `r.day / ${DAY_MS}`, [...parts, none(slices.length)].join(', '), [
        sql`r.day >= ${Math.min(...days.map((d) => d.from))}`,
        sql`r.day < ${Math.max(...days.map((d) => d.to))}`,
      ])
    : null;
  const tail = tailArm(
    q,
    arm,
    [...slices.map((_, k) => none(k)), pair(slices.length, '1', 'r.is_unique')].join(', '),
  );
  const keys = keysOf(q);
  const sums = Array.from({ length: pairs }, (_, k) => `sum(c${k}) as c${k}, sum(u${k}) as u${k}`).join(', ');
  const grouped = (
    arms: RawBuilder<unknown>[],
  ) => sql<SumRow>`select ${sql.raw(keys.map((k) => `${k}, `).join(''))}${sql.raw(sums)}
    from (${sql.join(arms, sql` union all `)}) x ${sql.raw(keys.length ? `group by ${keys.join(', ')}` : '')}`;
  // Grouped by local day and the tier's own entity, a profile row is one group of a UTC day (the
  // merge adds up rows of one group): grouping them in SQL would only cost a hash.
  const oneRowPerGroup = timed && q.dimensions.includes(CLICK_TIERS[tier].dimensions[0]);
  const query: RawBuilder<SumRow> =
    profiles === null
      ? grouped([tail])
      : oneRowPerGroup
        ? sql<SumRow>`${profiles} union all ${grouped([tail])}`
        : grouped([profiles, tail]);
  const columns = [...keys, ...Array.from({ length: pairs }, (_, k) => [`c${k}`, `u${k}`]).flat()];
  const rows = await readingRange(db, q, (reader) => readManyRows(reader, query, columns));
  // Each row's pair k adds to the local day `shift` days after its day (the tail's: its own day).
  const shifts = [...slices.map((s) => s.shift), 0];
  const dimKeys = q.dimensions.map((_, i) => `d${i}`);
  const clickKeys = shifts.map((_, k) => `c${k}`);
  const uniqueKeys = shifts.map((_, k) => `u${k}`);
  const sumRows: SumRow[] = [];
  for (const row of rows) {
    for (let k = 0; k < pairs; k++) {
      const clicks = row[clickKeys[k]];
      if (clicks === null) continue;
      const sumRow: SumRow = { clicks, unique_clicks: row[uniqueKeys[k]] };
      if (timed) sumRow.t = Number(row.t) + shifts[k];
      for (const key of dimKeys) sumRow[key] = row[key];
      sumRows.push(sumRow);
    }
  }
  return sumRows;
}

/**
 * Clicks from a coarse tier (report-tier-plan.ts), in one statement so the tiers, the 15-minute
 * rollup and the raw tail are of one moment. Each arm yields the local group a row counts in (t)
 * and its sign: whole cells add to the group of their midpoint; a correction adds to its own group
 * and is taken off its cell's (two arms). Without time grouping, a correction counts only when
 * one of the two groups is outside the range.
 */
function sumClicksFromTier(db: Db, plan: TierPlan, q: SumsRequest): Promise<SumRow[]> {
  const tier = CLICK_TIERS[plan.tier];
  const list = tier.columns.join(', ');
  // A tier at one span, and the 15-minute rollup, each with the raw tail (read once, below).
  const tierAt = (span: number) =>
    `(select time, ${list}, clicks, unique_clicks from ${tier.table} where span = ${span}
      union all select created_at - created_at % ${span}, ${list}, 1, is_unique from tail)`;
  const quarters = `(select bucket, link_id, offer_id, publisher_id, advertiser_id, country, device, os, browser,
      clicks, unique_clicks from report_clicks
    union all select created_at - created_at % ${QUARTER_MS}, link_id, offer_id, publisher_id, advertiser_id,
      country, device, os, browser, 1, is_unique from tail)`;
  const held: readonly string[] = CLICK_TIERS[plan.tier].dimensions;
  const tierColumn = (d: string) => (held.includes(d) ? `r.${ENTITY_DIMENSIONS[d].column}` : null);
  const baseColumn = (d: string) => (d === 'goal' ? null : `r.${ENTITY_DIMENSIONS[d].column}`);
  const group = (time: string) => `${localTime(time, q.stretches)} / ${plan.unit}`;
  const owner = (time: string) => group(`(${time} - ${time} % ${plan.span} + ${plan.span / 2})`);
  const dims = (column: (d: string) => string | null) =>
    q.dimensions.map((d, i) => `${column(d) ?? 'null'} as d${i}, `).join('');
  const timed = q.timeUnit !== null;
  const inRange = (g: string) => `${g} between ${plan.lo} and ${plan.hi}`;
  const arms: RawBuilder<unknown>[] = [];
  const arm = (
    from: string,
    column: (d: string) => string | null,
    t: string,
    sign: string,
    where: RawBuilder<unknown>[],
  ) => {
    const c = withCurrency(q, `${from} r`, 'r.offer_id', column);
    const head = `${timed ? `${t} as t, ` : ''}${sign} as s, ${dims(c.column)}`;
    const all = [...where, ...filtersOn(c.column, q)];
    arms.push(sql`select ${sql.raw(head)}r.clicks as clicks, r.unique_clicks as unique_clicks
      from ${sql.raw(c.from)} where ${sql.join(all, sql` and `)}`);
  };
  // Timed corrections are summed per (own group, cell's group) first, then counted twice.
  const corrections: RawBuilder<unknown>[] = [];
  const correct = (
    from: string,
    column: (d: string) => string | null,
    time: string,
    where: RawBuilder<unknown>[],
  ) => {
    if (!timed) return arm(from, column, '', `case when ${inRange(group(time))} then 1 else -1 end`, where);
    const c = withCurrency(q, `${from} r`, 'r.offer_id', column);
    const all = [...where, ...filtersOn(c.column, q)];
    corrections.push(sql`select ${sql.raw(`${group(time)} as p, ${owner(time)} as m, ${dims(c.column)}`)}r.clicks as clicks,
      r.unique_clicks as unique_clicks from ${sql.raw(c.from)} where ${sql.join(all, sql` and `)}`);
  };
  if (plan.cellsFrom < plan.cellsTo) {
    arm(tierAt(plan.span), tierColumn, group(`(r.time + ${plan.span / 2})`), '1', [
      sql`r.time >= ${plan.cellsFrom}`,
      sql`r.time < ${plan.cellsTo}`,
    ]);
  }
  if (plan.quarters.length) {
    correct(quarters, baseColumn, 'r.bucket', [within('r.bucket', plan.quarters)]);
  }
  const dimKeys = q.dimensions.map((_, i) => `, d${i}`).join('');
  let prefix = sql`with tail as materialized (select * from report_clicks_tail)`;
  if (corrections.length) {
    prefix = sql`${prefix}, corrections as (select p, m${sql.raw(dimKeys)}, sum(clicks) as clicks,
      sum(unique_clicks) as unique_clicks from (${sql.join(corrections, sql` union all `)}) c
      group by p, m${sql.raw(dimKeys)}) `;
    arms.push(sql.raw(`select p as t, 1 as s${dimKeys}, clicks, unique_clicks from corrections`));
    arms.push(sql.raw(`select m as t, -1 as s${dimKeys}, clicks, unique_clicks from corrections`));
  }
  if (arms.length === 0) return Promise.resolve([]);
  const keys = keysOf(q);
  const query = sql<SumRow>`${prefix} select ${sql.raw(keys.map((k) => `${k}, `).join(''))}sum(s * clicks) as clicks,
      sum(s * unique_clicks) as unique_clicks
    from (${sql.join(arms, sql` union all `)}) x ${sql.raw(timed ? `where ${inRange('t')}` : '')}
    ${sql.raw(keys.length ? `group by ${keys.join(', ')}` : '')}`;
  return readManyRows(db, query, [...keys, ...CLICK_MEASURES]);
}

export function sumConversions(db: Db, q: SumsRequest): Promise<SumRow[]> {
  if (q.raw) return sumsFrom(db, conversionSource(true, q.attribution), q);
  if (q.timeUnit === 'day' && q.attribution === 'conversion') {
    const hoursSource = conversionHoursSource();
    const hours = holdsAll(hoursSource, q) ? hoursSource : null;
    if (hours || groupsBySorting(db))
      return readingRange(db, q, (reader) => sumConversionsByDay(reader, q, hours));
  }
  return readingRange(db, q, (reader) => sumsFrom(reader, conversionSource(false, q.attribution), q));
}

const QUARTERS_PER_HOUR = HOUR_MS / QUARTER_MS;

/**
 * The conversion hours (migrations 0027, 0028) as a source: whole UTC hours of offers and
 * advertisers, with (PostgreSQL) the changes not folded yet and the conversions after the rollup's mark.
 */
function conversionHoursSource(): Source {
  return {
    ...conversionSource(false, 'conversion'),
    from: 'report_conversion_hours_now r',
    time: 'r.hour',
    column: (d) => (d === 'offer' || d === 'advertiser' ? `r.${ENTITY_DIMENSIONS[d].column}` : null),
  };
}

/** Whether `source` holds every dimension a request groups, filters or is scoped by (currency: through its offer). */
function holdsAll(source: Source, q: SumsRequest): boolean {
  return dimensionsUsed(q).every((d) => d === 'currency' || source.column(d) !== null);
}

/**
 * Conversions by local day, in the slices of UTC days that reports by day read clicks in
 * (planDaySlices): each arm takes its quarter hours of its days, grouped by UTC day and shifted to
 * the local day. Grouped by UTC day and offer, the rollup is read from the index
 * report_conversions_by_day (migration 0025) in that order and summed as it streams, where
 * grouping by local day sorted every row of the range first. A request of offers or advertisers
 * alone reads a slice's whole hours from the conversion hours (`hours`, 0027, 0028) in the same
 * order, and only its quarter hours outside them from the rollup, by key. Stores that group by hash come here
 * only for the hours (a few rows per offer and day); the rollup they group in one pass instead.
 */
function sumConversionsByDay(db: Db, q: SumsRequest, hours: Source | null): Promise<SumRow[]> {
  /** An arm over `plain`: its rows of `where`, grouped by UTC day `day` (then the dimensions) and shifted. */
  const arm = (plain: Source, from: string, day: string, shift: number, where: RawBuilder<unknown>[]) => {
    const source = withCurrency(q, from, plain.offer, plain.column);
    const dims: string[] = [];
    const groups = [day];
    for (const [i, d] of q.dimensions.entries()) {
      const column = source.column(d) ?? 'null';
      dims.push(`${column} as d${i}, `);
      if (column !== 'null' && !column.startsWith("'")) groups.push(column);
    }
    return sql`select ${sql.raw(`${day} + ${shift} as t, ${dims.join('')}`)}${plain.measures}
      from ${sql.raw(source.from)} where ${sql.join([...where, ...filtersOn(source.column, q)], sql` and `)}
      group by ${sql.raw(groups.join(', '))}`;
  };
  const rollup = conversionSource(false, 'conversion');
  const rollupDay = `r.bucket / ${DAY_MS}`;
  /** The rollup's quarter hours [from, to) of the slice's days, read as key ranges. */
  const quarters = (slice: DaySlice, from: number, to: number) => {
    const ranges: Correction[] = [];
    for (const run of slice.days) {
      for (let d = run.from; d < run.to; d += DAY_MS)
        ranges.push({ from: d + from * QUARTER_MS, to: d + to * QUARTER_MS });
    }
    const read = inKeyRanges(db, rollup.from, 'r.bucket', ranges);
    return arm(rollup, read.from, rollupDay, slice.shift, [sql.raw(read.where)]);
  };
  const arms = planDaySlices(q).flatMap((slice) => {
    // The slice's whole hours [first, end) of the day.
    const first = Math.ceil(slice.from / QUARTERS_PER_HOUR);
    const end = Math.floor(slice.to / QUARTERS_PER_HOUR);
    if (hours && first < end) {
      const where = [within('r.day', slice.days)];
      if (first > 0) where.push(sql.raw(`r.hour - r.day >= ${first * HOUR_MS}`));
      if (end < 24) where.push(sql.raw(`r.hour - r.day < ${end * HOUR_MS}`));
      const parts = [arm(hours, hours.from, `r.day / ${DAY_MS}`, slice.shift, where)];
      const [start, stop] = [first * QUARTERS_PER_HOUR, end * QUARTERS_PER_HOUR];
      if (slice.from < start) parts.push(quarters(slice, slice.from, start));
      if (stop < slice.to) parts.push(quarters(slice, stop, slice.to));
      return parts;
    }
    if (hours) return [quarters(slice, slice.from, slice.to)];
    const where: RawBuilder<unknown>[] = [
      within(
        rollupDay,
        slice.days.map((d) => ({ from: d.from / DAY_MS, to: d.to / DAY_MS })),
      ),
    ];
    if (slice.from > 0) where.push(sql.raw(`r.bucket % ${DAY_MS} >= ${slice.from * QUARTER_MS}`));
    if (slice.to < QUARTERS_PER_DAY) where.push(sql.raw(`r.bucket % ${DAY_MS} < ${slice.to * QUARTER_MS}`));
    return [arm(rollup, rollup.from, rollupDay, slice.shift, where)];
  });
  if (arms.length === 0) return Promise.resolve([]);
  const keys = keysOf(q);
  const sums = CONVERSION_MEASURES.map((m) => `sum(${m}) as ${m}`).join(', ');
  const query = sql<SumRow>`select ${sql.raw(`${keys.join(', ')}, ${sums}`)}
    from (${sql.join(arms, sql` union all `)}) x group by ${sql.raw(keys.join(', '))}`;
  return readManyRows(db, query, [...keys, ...CONVERSION_MEASURES]);
}
