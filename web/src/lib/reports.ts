// The report API as the dashboard uses it: date presets in a time zone, the request, the columns.
import { get, query } from './api';
import { formatMoney } from './format';

export type ReportValue = string | number | null;
export type ReportRow = Record<string, ReportValue>;
export interface ReportPeriod {
  from: string;
  to: string;
  /** Each row may carry `currency` (its offers' currency code): rows mixing currencies are split. */
  rows: ReportRow[];
  /** Its money fields are null when the period mixes currencies; see summaryByCurrency. */
  summary: ReportRow;
  /** One summary per currency, when the period has several. */
  summaryByCurrency?: ReportRow[];
  totalRows: number;
  truncated: boolean;
}
export interface Report extends ReportPeriod {
  tz: string;
  groupBy: string[];
  previous?: ReportPeriod;
}

export const PRESETS = [
  ['today', 'Today'],
  ['yesterday', 'Yesterday'],
  ['last7', 'Last 7 days'],
  ['last30', 'Last 30 days'],
  ['thisMonth', 'This month'],
  ['lastMonth', 'Last month'],
  ['custom', 'Custom'],
] as const;
export type Preset = (typeof PRESETS)[number][0];

export const DIMENSIONS: [string, string][] = [
  ['hour', 'Hour'],
  ['day', 'Day'],
  ['week', 'Week'],
  ['month', 'Month'],
  ['advertiser', 'Advertiser'],
  ['offer', 'Offer'],
  ['goal', 'Goal'],
  ['publisher', 'Publisher'],
  ['link', 'Link'],
  ['country', 'Country'],
  ['device', 'Device'],
  ['os', 'OS'],
  ['browser', 'Browser'],
  ...Array.from({ length: 10 }, (_, i): [string, string] => [`sub${i + 1}`, `Sub ID ${i + 1}`]),
];
/** Offered only by an API whose reports carry currencies (reportHasCurrency). */
export const CURRENCY_DIMENSION: [string, string] = ['currency', 'Currency'];
/** The dimensions a report may group and filter by, given what the API answered last. */
export const dimensionsFor = (report: ReportPeriod | undefined): [string, string][] =>
  report && reportHasCurrency(report) ? [...DIMENSIONS, CURRENCY_DIMENSION] : DIMENSIONS;
const TIME_DIMENSIONS = ['hour', 'day', 'week', 'month'];
export const isTimeDimension = (d: string) => TIME_DIMENSIONS.includes(d);
/** True when the API tells each row's currency. */
export const reportHasCurrency = (r: ReportPeriod) => 'currency' in r.summary || Boolean(r.summaryByCurrency);
const ROW_KEYS: Record<string, string> = {
  advertiser: 'advertiserId',
  offer: 'offerId',
  publisher: 'publisherId',
  link: 'linkId',
};
/** The key a grouping's value has in a report row. */
export const rowKeyOf = (dimension: string) => ROW_KEYS[dimension] ?? dimension;
export const labelOf = (dimension: string) =>
  [...DIMENSIONS, CURRENCY_DIMENSION].find(([d]) => d === dimension)?.[1] ?? dimension;

export const METRICS: [string, string][] = [
  ['clicks', 'Clicks'],
  ['uniqueClicks', 'Unique clicks'],
  ['conversions', 'Conversions'],
  ['pending', 'Pending'],
  ['approved', 'Approved'],
  ['rejected', 'Rejected'],
  ['declined', 'Declined'],
  ['reversed', 'Reversed'],
  ['revenue', 'Revenue'],
  ['payout', 'Payout'],
  ['profit', 'Profit'],
  ['cr', 'CR'],
  ['epc', 'EPC'],
  ['margin', 'Margin'],
];
const MONEY = new Set(['revenue', 'payout', 'profit', 'epc']);
const PERCENT = new Set(['cr', 'margin']);
export const isMoney = (key: string) => MONEY.has(key);

/**
 * A metric as the CSV writes it (plain numbers, money to the cent); with a currency, money as the
 * table shows it ($3.50, €4.25).
 */
export function formatCell(key: string, value: ReportValue, currency?: ReportValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'number') return value;
  if (PERCENT.has(key)) return `${(value * 100).toFixed(2)}%`;
  if (MONEY.has(key))
    return typeof currency === 'string' && currency !== '' ? formatMoney(value, currency) : value.toFixed(2);
  return String(value);
}

/** Today's date (YYYY-MM-DD) in the zone. */
export function todayIn(tz: string, now = Date.now()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The first and last day of a preset, in the zone. */
export function presetRange(preset: Preset, tz: string): { from: string; to: string } | undefined {
  const today = todayIn(tz);
  switch (preset) {
    case 'today':
      return { from: today, to: today };
    case 'yesterday':
      return { from: addDays(today, -1), to: addDays(today, -1) };
    case 'last7':
      return { from: addDays(today, -6), to: today };
    case 'last30':
      return { from: addDays(today, -29), to: today };
    case 'thisMonth':
      return { from: `${today.slice(0, 7)}-01`, to: today };
    case 'lastMonth': {
      const lastDay = addDays(`${today.slice(0, 7)}-01`, -1);
      return { from: `${lastDay.slice(0, 7)}-01`, to: lastDay };
    }
    default:
      return undefined;
  }
}

export interface ReportRequest {
  from: string;
  to: string;
  tz: string;
  groupBy: string[];
  filters: Record<string, string | undefined>;
  sort?: string;
  compare?: boolean;
  attribution?: string;
}

export function reportPath(r: ReportRequest): string {
  return `/reports${query({
    from: r.from,
    to: r.to,
    tz: r.tz,
    groupBy: r.groupBy.join(',') || undefined,
    sort: r.sort,
    compare: r.compare ? 'previous' : undefined,
    attribution: r.attribution === 'click' ? 'click' : undefined,
    ...r.filters,
  })}`;
}

export const fetchReport = (r: ReportRequest) => get<Report>(reportPath(r));

/** A series' labels and rows with the days (or a day's hours) that had nothing filled in as zeros. */
export function fillSeries(
  report: ReportPeriod,
  unit: 'day' | 'hour',
): { labels: string[]; rows: ReportRow[] } {
  const labels: string[] = [];
  if (unit === 'hour')
    for (let h = 0; h < 24; h++) labels.push(`${report.from}T${String(h).padStart(2, '0')}:00`);
  else for (let d = report.from; d <= report.to; d = addDays(d, 1)) labels.push(d);
  // Rows of one time split by currency add up: clicks and conversions have no currency.
  const byLabel = new Map<string, { clicks: number; conversions: number }>();
  for (const r of report.rows) {
    const sum = byLabel.get(String(r[unit])) ?? { clicks: 0, conversions: 0 };
    sum.clicks += Number(r.clicks ?? 0);
    sum.conversions += Number(r.conversions ?? 0);
    byLabel.set(String(r[unit]), sum);
  }
  return { labels, rows: labels.map((l) => byLabel.get(l) ?? { clicks: 0, conversions: 0 }) };
}
