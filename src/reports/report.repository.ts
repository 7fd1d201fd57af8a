// Report SQL: sums of clicks and of conversions per time index and dimensions, from the rollups or
// (for sub id dimensions) from raw rows. The local time of a row is its UTC time plus the zone's
// offset, written as a CASE over the few offset stretches of the range; hour and day indexes are
// then integer divisions, the same SQL on both stores.
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../db/database.types.ts';
import { ENTITY_DIMENSIONS } from './report-dimensions.ts';
import type { DimensionFilter } from './report-query.ts';
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
}

/** A sum row: `t` the time index, `d0`… the dimensions, then the measures (strings on PostgreSQL). */
export type SumRow = Record<string, unknown>;

interface Source {
  from: RawBuilder<unknown>;
  time: string;
  /** A dimension's expression, or null when this source does not have it. */
  column(dimension: string): string | null;
  measures: RawBuilder<unknown>;
}

const UNIT_MS = { hour: 3_600_000, day: 86_400_000 };
const counted = (v: string, column: string) =>
  `sum(case when ${v}.status in ('pending', 'approved') then ${v}.${column} else 0 end)`;
const byStatus = (v: string) =>
  ['pending', 'approved', 'rejected', 'declined', 'reversed']
    .map((s) => `sum(case when ${v}.status = '${s}' then 1 else 0 end) as ${s}`)
    .join(', ');

function clickSource(raw: boolean): Source {
  if (raw) {
    return {
      from: sql`clicks c`,
      time: 'c.created_at',
      column: (d) => (d === 'goal' ? null : textOr(d, `c.${ENTITY_DIMENSIONS[d].column}`)),
      measures: sql`count(*) as clicks, sum(c.is_unique) as unique_clicks`,
    };
  }
  return {
    // The rollup plus the clicks stored since its last catch-up (migration 0009).
    from: sql`report_clicks_now r`,
    time: 'r.bucket',
    column: (d) => (d === 'goal' ? null : `r.${ENTITY_DIMENSIONS[d].column}`),
    measures: sql`sum(r.clicks) as clicks, sum(r.unique_clicks) as unique_clicks`,
  };
}

function conversionSource(raw: boolean, attribution: 'conversion' | 'click'): Source {
  if (raw) {
    const onClick = (d: string) => ['country', 'device', 'os', 'browser'].includes(d) || d.startsWith('sub');
    return {
      from: sql`conversions v left join clicks c on c.id = v.click_id`,
      time: attribution === 'click' ? 'coalesce(c.created_at, v.created_at)' : 'v.created_at',
      column: (d) => textOr(d, `${onClick(d) ? 'c' : 'v'}.${ENTITY_DIMENSIONS[d].column}`),
      measures: sql.raw(
        `${byStatus('v')}, ${counted('v', 'revenue')} as revenue, ${counted('v', 'payout')} as payout`,
      ),
    };
  }
  return {
    from: sql`report_conversions r`,
    time: attribution === 'click' ? 'r.click_bucket' : 'r.bucket',
    column: (d) => `r.${ENTITY_DIMENSIONS[d].column}`,
    measures: sql`sum(r.pending) as pending, sum(r.approved) as approved, sum(r.rejected) as rejected,
      sum(r.declined) as declined, sum(r.reversed) as reversed, sum(r.revenue) as revenue, sum(r.payout) as payout`,
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

function sumsFrom(db: Db, source: Source, q: SumsRequest): Promise<SumRow[]> {
  const select: string[] = [];
  if (q.timeUnit) select.push(`${localTime(source.time, q.stretches)} / ${UNIT_MS[q.timeUnit]} as t`);
  for (const [i, d] of q.dimensions.entries()) select.push(`${source.column(d) ?? 'null'} as d${i}`);
  const where: RawBuilder<unknown>[] = [
    sql`${sql.raw(source.time)} >= ${q.from}`,
    sql`${sql.raw(source.time)} < ${q.to}`,
  ];
  if (q.scope.publisherId !== undefined)
    where.push(sql`${sql.raw(source.column('publisher') ?? '')} = ${q.scope.publisherId}`);
  if (q.scope.advertiserId !== undefined)
    where.push(sql`${sql.raw(source.column('advertiser') ?? '')} = ${q.scope.advertiserId}`);
  for (const [filters, negate] of [
    [q.include, false],
    [q.exclude, true],
  ] as const) {
    for (const f of filters) {
      const column = source.column(f.dimension);
      // Clicks have no goal: a goal filter narrows conversions only.
      if (column === null) continue;
      const list = sql.join(f.values.map((v) => sql`${v}`));
      where.push(negate ? sql`${sql.raw(column)} not in (${list})` : sql`${sql.raw(column)} in (${list})`);
    }
  }
  const groups = select.map((_, i) => String(i + 1)).join(', ');
  const query = sql<SumRow>`select ${sql.raw(select.length ? `${select.join(', ')}, ` : '')}${source.measures}
    from ${source.from} where ${sql.join(where, sql` and `)}
    ${sql.raw(groups ? `group by ${groups}` : '')}`;
  return query.execute(db).then((r) => r.rows);
}

export function sumClicks(db: Db, q: SumsRequest): Promise<SumRow[]> {
  return sumsFrom(db, clickSource(q.raw), q);
}

export function sumConversions(db: Db, q: SumsRequest): Promise<SumRow[]> {
  return sumsFrom(db, conversionSource(q.raw, q.attribution), q);
}
