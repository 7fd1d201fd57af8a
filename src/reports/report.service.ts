// A report: the sums of clicks and of conversions over the range, merged per time bucket and
// dimensions, the derived metrics, the summary, the sort and the limit; and the previous period
// when asked. Money never adds across currencies: every row is split by its offer's currency, and a
// report of several currencies gives its money totals per currency (summaryByCurrency).
import type { KeyRole } from '../auth/api-key.table.ts';
import { canReadField, readableView } from '../auth/field-visibility.ts';
import type { Db } from '../db/database.types.ts';
import { AppError } from '../shared/errors.ts';
import { type SumRow, type SumsRequest, sumClicks, sumConversions } from './report.repository.ts';
import { type CountMetric, ENTITY_DIMENSIONS, isTimeDimension, rowKeyOf } from './report-dimensions.ts';
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
  /** Totals; with several currencies, its currency and money fields are null. */
  summary: ReportRow;
  /** Totals per currency, by code. */
  summaryByCurrency: ReportRow[];
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

const CURRENCY_CODE = /^[A-Z]{3}$/;

/** The one currency all offers have, or null when they differ (or there are none). */
async function onlyCurrency(db: Db): Promise<string | null> {
  const rows = await db.selectFrom('offers').select('currency').distinct().limit(2).execute();
  return rows.length === 1 && CURRENCY_CODE.test(rows[0].currency) ? rows[0].currency : null;
}

export async function buildReport(db: Db, q: ReportQuery, viewer: ReportViewer): Promise<Report> {
  checkVisible(q, viewer.role);
  const currency = await onlyCurrency(db);
  const current = await buildPeriod(db, q, viewer, q.fromDay, q.toDay, currency);
  const report: Report = { ...current, tz: q.tz, groupBy: q.groupBy, attribution: q.attribution };
  if (q.compare) {
    const days = q.toDay - q.fromDay + 1;
    report.previous = await buildPeriod(db, q, viewer, q.fromDay - days, q.fromDay - 1, currency);
  }
  return report;
}

async function buildPeriod(
  db: Db,
  q: ReportQuery,
  viewer: ReportViewer,
  fromDay: number,
  toDay: number,
  currency: string | null,
): Promise<ReportPeriod> {
  const from = startOfLocalDay(q.tz, fromDay);
  const to = startOfLocalDay(q.tz, toDay + 1);
  const times = q.groupBy.filter(isTimeDimension);
  // The currency is an implicit last grouping key when not grouped by already.
  const implicitCurrency = !q.groupBy.includes('currency');
  const grouped = implicitCurrency ? [...q.groupBy, 'currency'] : q.groupBy;
  const dimensions = grouped.filter((d) => !isTimeDimension(d));
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
    currency,
  };
  const [clicks, conversions] = await Promise.all([sumClicks(db, request), sumConversions(db, request)]);

  // Merged in a tree of maps, one level per grouped dimension, keyed by the value as reported: no
  // key is built per row. Time labels are cached per index; '' and null both read as null. The one
  // currency of all offers is no level: every row has it.
  const readers = grouped.map((g): ((row: SumRow) => string | number | null) => {
    if (g === 'currency' && currency !== null) return () => currency;
    if (isTimeDimension(g)) {
      const labels = new Map<number, string>();
      return (row) => {
        const t = Number(row.t);
        let label = labels.get(t);
        if (label === undefined) {
          label = timeLabel(g, t, request.timeUnit as 'hour' | 'day');
          labels.set(t, label);
        }
        return label;
      };
    }
    const column = `d${dimensions.indexOf(g)}`;
    const id = ENTITY_DIMENSIONS[g].kind === 'id';
    return (row) => {
      const value = row[column];
      return value === null || value === undefined || value === ''
        ? null
        : id
          ? Number(value)
          : String(value);
    };
  });
  const levels = readers.filter((_, i) => grouped[i] !== 'currency' || currency === null);
  const root: Level = new Map();
  const found: Entry[] = [];
  const last = levels.length - 1;
  const entryOf = (row: SumRow): Entry => {
    let level = root;
    for (let i = 0; i < last; i++) {
      const value = levels[i](row);
      let next = level.get(value) as Level | undefined;
      if (!next) {
        next = new Map();
        level.set(value, next);
      }
      level = next;
    }
    const value = last < 0 ? null : levels[last](row);
    let entry = level.get(value) as Entry | undefined;
    if (!entry) {
      entry = { values: readers.map((read) => read(row)), sums: new Sums() };
      level.set(value, entry);
      found.push(entry);
    }
    return entry;
  };
  for (const row of clicks) {
    const s = entryOf(row).sums;
    s.clicks += Number(row.clicks ?? 0);
    s.uniqueClicks += Number(row.unique_clicks ?? 0);
  }
  for (const row of conversions) {
    const s = entryOf(row).sums;
    s.pending += Number(row.pending ?? 0);
    s.approved += Number(row.approved ?? 0);
    s.rejected += Number(row.rejected ?? 0);
    s.declined += Number(row.declined ?? 0);
    s.reversed += Number(row.reversed ?? 0);
    s.revenue += Number(row.revenue ?? 0);
    s.payout += Number(row.payout ?? 0);
  }

  const currencyAt = grouped.indexOf('currency');
  const keys = grouped.map(rowKeyOf);
  // Metrics are worked out for every entry only when they are sorted by; else for the rows shown.
  const sortedByMetric = q.sort !== null && !keys.includes(q.sort.key);
  const totals = new Map<string | null, Sums>();
  const entries: Entry[] = [];
  for (const entry of found) {
    if (entry.sums.isEmpty()) continue;
    const code = entry.values[currencyAt] as string | null;
    let total = totals.get(code);
    if (!total) {
      total = new Sums();
      totals.set(code, total);
    }
    total.add(entry.sums);
    if (sortedByMetric) entry.metrics = metricsOf(entry.sums, viewer.role);
    entries.push(entry);
  }
  sortEntries(entries, q, grouped);
  // The fields the role may read, found once rather than per row.
  const readable = (k: string) => canReadField('report', k, viewer.role);
  const shownKeys = keys.flatMap((k, i) => (readable(k) ? [[k, i] as const] : []));
  const shownMetrics = Object.keys(metricsOf(new Sums(), viewer.role)).filter(readable);
  const rows = entries.slice(0, q.limit).map((e) => {
    const row: ReportRow = {};
    for (const [k, i] of shownKeys) row[k] = e.values[i];
    const metrics = e.metrics ?? metricsOf(e.sums, viewer.role);
    for (const k of shownMetrics) row[k] = metrics[k];
    return row;
  });
  const totalRows = entries.length;
  const byCurrency = [...totals]
    .sort(([a], [b]) => compareValues(a, b))
    .map(([code, sums]) =>
      readableView('report', viewer.role, { currency: code, ...metricsOf(sums, viewer.role) }),
    );
  return {
    from: dateOfDay(fromDay),
    to: dateOfDay(toDay),
    rows,
    summary: summaryOf(totals, viewer.role),
    summaryByCurrency: byCurrency as ReportRow[],
    totalRows,
    truncated: totalRows > rows.length,
  };
}

const MONEY_METRICS = ['revenue', 'payout', 'profit', 'epc', 'margin'];

/** All currencies' counts together; their money only when there is one currency. */
function summaryOf(totals: Map<string | null, Sums>, role: KeyRole): ReportRow {
  const all = new Sums();
  for (const sums of totals.values()) all.add(sums);
  const summary: ReportRow = {
    currency: totals.size === 1 ? [...totals.keys()][0] : null,
    ...metricsOf(all, role),
  };
  if (totals.size > 1) for (const m of MONEY_METRICS) summary[m] = null;
  return readableView('report', role, summary) as ReportRow;
}

/** A level of the merge tree: the next dimension's values, to the next level or (last) the entry. */
type Level = Map<string | number | null, Level | Entry>;

interface Entry {
  /** The grouped dimensions' values, in groupBy order. */
  values: (string | number | null)[];
  sums: Sums;
  /** Set when sorted by a metric. */
  metrics?: ReportRow;
}

/** The counts and money of one row, added up (fields, not a keyed record: the merge adds them per row). */
class Sums implements Record<CountMetric, number> {
  clicks = 0;
  uniqueClicks = 0;
  pending = 0;
  approved = 0;
  rejected = 0;
  declined = 0;
  reversed = 0;
  revenue = 0;
  payout = 0;

  add(s: Sums): void {
    this.clicks += s.clicks;
    this.uniqueClicks += s.uniqueClicks;
    this.pending += s.pending;
    this.approved += s.approved;
    this.rejected += s.rejected;
    this.declined += s.declined;
    this.reversed += s.reversed;
    this.revenue += s.revenue;
    this.payout += s.payout;
  }

  /**
   * Counts nothing. Money is only ever added with a pending or approved count, so without counts
   * any left is what adding and taking off amounts in another order leaves of zero.
   */
  isEmpty(): boolean {
    return (
      this.clicks === 0 &&
      this.uniqueClicks === 0 &&
      this.pending === 0 &&
      this.approved === 0 &&
      this.rejected === 0 &&
      this.declined === 0 &&
      this.reversed === 0
    );
  }
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

/** By the sort key (nulls last either way), then by the grouped dimensions in order. */
function sortEntries(entries: Entry[], q: ReportQuery, grouped: string[]): void {
  const keys = grouped.map(rowKeyOf);
  const sort = q.sort;
  const dimension = sort ? keys.indexOf(sort.key) : -1;
  const sortValue = (e: Entry) =>
    sort === null ? null : dimension >= 0 ? e.values[dimension] : (e.metrics?.[sort.key] ?? null);
  entries.sort((x, y) => {
    if (sort) {
      const a = sortValue(x);
      const b = sortValue(y);
      const c = compareValues(a, b);
      if (c !== 0) return sort.descending && a !== null && b !== null ? -c : c;
    }
    for (let i = 0; i < keys.length; i++) {
      const c = compareValues(x.values[i], y.values[i]);
      if (c !== 0) return c;
    }
    return 0;
  });
}
