// A report: the sums of clicks and of conversions over the range, merged per time bucket and
// dimensions, the derived metrics, the summary, the sort and the limit; and the previous period
// when asked. Money sums are as stored (each offer's currency).
import type { KeyRole } from '../auth/api-key.table.ts';
import { readableView } from '../auth/field-visibility.ts';
import type { Db } from '../db/database.types.ts';
import { AppError } from '../shared/errors.ts';
import { type SumRow, type SumsRequest, sumClicks, sumConversions } from './report.repository.ts';
import {
  COUNT_METRICS,
  type CountMetric,
  ENTITY_DIMENSIONS,
  isTimeDimension,
  rowKeyOf,
} from './report-dimensions.ts';
import { type ReportQuery, readsRawRows } from './report-query.ts';
import { dateOfDay, offsetStretches, startOfLocalDay } from './time-zone.ts';

export interface ReportViewer {
  role: KeyRole;
  /** Set for a publisher: only its traffic. */
  publisherId?: number;
  /** Set for an advertiser: only its offers. */
  advertiserId?: number;
}

export type ReportRow = Record<string, string | number | null>;

export interface ReportPeriod {
  from: string;
  to: string;
  rows: ReportRow[];
  summary: ReportRow;
  totalRows: number;
  truncated: boolean;
}

export interface Report extends ReportPeriod {
  tz: string;
  groupBy: string[];
  attribution: 'conversion' | 'click';
  previous?: ReportPeriod;
}

const DAY_MS = 86_400_000;

/** Refuses a grouping, filter or sort on a field the viewer's role may not read. */
function checkVisible(q: ReportQuery, role: KeyRole): void {
  const visible = (key: string) => Object.keys(readableView('report', role, { [key]: 0 })).length === 1;
  for (const d of [
    ...q.groupBy,
    ...q.include.map((f) => f.dimension),
    ...q.exclude.map((f) => f.dimension),
  ]) {
    if (!visible(rowKeyOf(d))) throw new AppError('forbidden', `a ${role} cannot report by ${d}`);
  }
  if (q.sort && !visible(q.sort.key))
    throw new AppError('forbidden', `a ${role} cannot sort by ${q.sort.key}`);
}

export async function buildReport(db: Db, q: ReportQuery, viewer: ReportViewer): Promise<Report> {
  checkVisible(q, viewer.role);
  const current = await buildPeriod(db, q, viewer, q.fromDay, q.toDay);
  const report: Report = { ...current, tz: q.tz, groupBy: q.groupBy, attribution: q.attribution };
  if (q.compare) {
    const days = q.toDay - q.fromDay + 1;
    report.previous = await buildPeriod(db, q, viewer, q.fromDay - days, q.fromDay - 1);
  }
  return report;
}

async function buildPeriod(
  db: Db,
  q: ReportQuery,
  viewer: ReportViewer,
  fromDay: number,
  toDay: number,
): Promise<ReportPeriod> {
  const from = startOfLocalDay(q.tz, fromDay);
  const to = startOfLocalDay(q.tz, toDay + 1);
  const times = q.groupBy.filter(isTimeDimension);
  const dimensions = q.groupBy.filter((d) => !isTimeDimension(d));
  const request: SumsRequest = {
    from,
    to,
    stretches: offsetStretches(q.tz, from - DAY_MS, to + DAY_MS),
    timeUnit: times.length === 0 ? null : times.includes('hour') ? 'hour' : 'day',
    dimensions,
    include: q.include,
    exclude: q.exclude,
    scope: { publisherId: viewer.publisherId, advertiserId: viewer.advertiserId },
    raw: readsRawRows(q),
    attribution: q.attribution,
  };
  const [clicks, conversions] = await Promise.all([sumClicks(db, request), sumConversions(db, request)]);

  const merged = new Map<string, { keys: ReportRow; sums: Record<CountMetric, number> }>();
  const add = (row: SumRow) => {
    const keys: ReportRow = {};
    for (const t of times) keys[t] = timeLabel(t, Number(row.t), request.timeUnit as 'hour' | 'day');
    dimensions.forEach((d, i) => {
      const value = row[`d${i}`];
      keys[ENTITY_DIMENSIONS[d].key] =
        value === null || value === ''
          ? null
          : ENTITY_DIMENSIONS[d].kind === 'id'
            ? Number(value)
            : String(value);
    });
    const id = JSON.stringify(keys);
    let entry = merged.get(id);
    if (!entry) {
      entry = {
        keys,
        sums: Object.fromEntries(COUNT_METRICS.map((m) => [m, 0])) as Record<CountMetric, number>,
      };
      merged.set(id, entry);
    }
    const s = entry.sums;
    s.clicks += Number(row.clicks ?? 0);
    s.uniqueClicks += Number(row.unique_clicks ?? 0);
    for (const m of [
      'pending',
      'approved',
      'rejected',
      'declined',
      'reversed',
      'revenue',
      'payout',
    ] as const) {
      s[m] += Number(row[m] ?? 0);
    }
  };
  for (const row of clicks) add(row);
  for (const row of conversions) add(row);

  const total = Object.fromEntries(COUNT_METRICS.map((m) => [m, 0])) as Record<CountMetric, number>;
  let rows: ReportRow[] = [];
  for (const { keys, sums } of merged.values()) {
    if (isEmpty(sums)) continue;
    for (const m of COUNT_METRICS) total[m] += sums[m];
    rows.push({ ...keys, ...metricsOf(sums, viewer.role) });
  }
  sortRows(rows, q);
  const totalRows = rows.length;
  rows = rows.slice(0, q.limit);
  return {
    from: dateOfDay(fromDay),
    to: dateOfDay(toDay),
    rows: rows.map((r) => readableView('report', viewer.role, r) as ReportRow),
    summary: readableView('report', viewer.role, metricsOf(total, viewer.role)) as ReportRow,
    totalRows,
    truncated: totalRows > rows.length,
  };
}

function isEmpty(s: Record<CountMetric, number>): boolean {
  return COUNT_METRICS.every((m) => s[m] === 0);
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;
const ratio = (a: number, b: number) => (b === 0 ? null : round(a / b));

/**
 * The metrics of one row (README "Report metrics"). A publisher's revenue is its payout: what it
 * earned. Fields a role may not read are dropped afterwards by the field-visibility table.
 */
export function metricsOf(s: Record<CountMetric, number>, role: KeyRole): ReportRow {
  const conversions = s.pending + s.approved;
  const revenue = round(role === 'publisher' ? s.payout : s.revenue);
  const payout = round(s.payout);
  const profit = round(s.revenue - s.payout);
  return {
    clicks: s.clicks,
    uniqueClicks: s.uniqueClicks,
    conversions,
    pending: s.pending,
    approved: s.approved,
    rejected: s.rejected,
    declined: s.declined,
    reversed: s.reversed,
    revenue,
    payout,
    profit,
    cr: ratio(conversions, s.clicks),
    epc: ratio(revenue, s.clicks),
    margin: ratio(profit, s.revenue),
  };
}

function timeLabel(dimension: string, index: number, unit: 'hour' | 'day'): string {
  const day = unit === 'hour' ? Math.floor(index / 24) : index;
  switch (dimension) {
    case 'hour':
      return `${dateOfDay(day)}T${String(index % 24).padStart(2, '0')}:00`;
    case 'day':
      return dateOfDay(day);
    case 'week':
      // Weeks start on Monday; day 0 (1970-01-01) was a Thursday.
      return dateOfDay(day - ((day + 3) % 7));
    default:
      return dateOfDay(day).slice(0, 7);
  }
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1; // nulls last, either direction
  if (b === null || b === undefined) return -1;
  return a < b ? -1 : 1;
}

function sortRows(rows: ReportRow[], q: ReportQuery): void {
  const keys = q.groupBy.map(rowKeyOf);
  rows.sort((x, y) => {
    if (q.sort) {
      const { key, descending } = q.sort;
      const nullish = x[key] === null || y[key] === null;
      const c = compareValues(x[key], y[key]);
      if (c !== 0) return descending && !nullish ? -c : c;
    }
    for (const k of keys) {
      const c = compareValues(x[k], y[k]);
      if (c !== 0) return c;
    }
    return 0;
  });
}
