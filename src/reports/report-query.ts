// A report request, parsed and checked: every bad parameter is refused with its own stable code.
import { AppError } from '../shared/errors.ts';
import {
  DIMENSIONS,
  type Dimension,
  ENTITY_DIMENSIONS,
  isTimeDimension,
  METRICS,
  rowKeyOf,
} from './report-dimensions.ts';
import { dayNumber, isTimeZone } from './time-zone.ts';

/** Longest range a report reads from the rollups, and from raw rows (sub id dimensions). */
export const MAX_ROLLUP_DAYS = 400;
export const MAX_RAW_DAYS = 31;
/** Longest range an hourly report covers. */
export const MAX_HOURLY_DAYS = 92;
export const DEFAULT_LIMIT = 1_000;
export const MAX_LIMIT = 10_000;
export const MAX_GROUP_BY = 3;
const MAX_FILTER_VALUES = 100;

export interface DimensionFilter {
  dimension: string;
  values: (string | number)[];
}

export interface ReportQuery {
  /** First and last day, inclusive, as day numbers (days since 1970-01-01) in `tz`. */
  fromDay: number;
  toDay: number;
  tz: string;
  groupBy: Dimension[];
  include: DimensionFilter[];
  exclude: DimensionFilter[];
  /** conversion: a conversion counts at its own time; click: at its click's time. */
  attribution: 'conversion' | 'click';
  compare: boolean;
  sort: { key: string; descending: boolean } | null;
  limit: number;
}

export type RawReportParams = Record<string, string | undefined>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseDay(name: string, value: string | undefined): number {
  if (value === undefined) throw new AppError('invalid_date', `${name} is required (YYYY-MM-DD)`);
  const day = DATE.test(value) ? dayNumber(value) : Number.NaN;
  // Date.UTC rolls 2026-02-30 over into March: a real date reads back as itself.
  if (!Number.isFinite(day) || new Date(day * 86_400_000).toISOString().slice(0, 10) !== value) {
    throw new AppError('invalid_date', `${name} must be a date as YYYY-MM-DD, got "${value}"`);
  }
  return day;
}

function parseFilter(dimension: string, raw: string, param: string): DimensionFilter {
  const d = ENTITY_DIMENSIONS[dimension];
  if (!d) throw new AppError('invalid_filter', `${param}: cannot filter on "${dimension}"`);
  const parts = raw.split(',');
  if (parts.length > MAX_FILTER_VALUES) {
    throw new AppError('invalid_filter', `${param}: at most ${MAX_FILTER_VALUES} values`);
  }
  const values = parts.map((v) => {
    if (d.kind !== 'id') return v;
    if (!/^\d{1,10}$/.test(v)) throw new AppError('invalid_filter', `${param}: "${v}" is not an id`);
    return Number(v);
  });
  return { dimension, values };
}

export function parseReportQuery(params: RawReportParams, defaultTimeZone: string): ReportQuery {
  const fromDay = parseDay('from', params.from);
  const toDay = parseDay('to', params.to);
  if (toDay < fromDay) throw new AppError('invalid_date', 'to must not be before from');
  const tz = params.tz ?? defaultTimeZone;
  if (!isTimeZone(tz)) throw new AppError('invalid_time_zone', `"${tz}" is not an IANA time zone`);

  const groupBy = params.groupBy ? params.groupBy.split(',') : [];
  for (const d of groupBy) {
    if (!DIMENSIONS.includes(d)) {
      throw new AppError('invalid_group_by', `cannot group by "${d}"; one of ${DIMENSIONS.join(' ')}`);
    }
  }
  if (groupBy.length > MAX_GROUP_BY || new Set(groupBy).size !== groupBy.length) {
    throw new AppError('invalid_group_by', `groupBy takes up to ${MAX_GROUP_BY} different dimensions`);
  }

  const include: DimensionFilter[] = [];
  const exclude: DimensionFilter[] = [];
  for (const [param, value] of Object.entries(params)) {
    const m = /^(filter|exclude)\.(.*)$/.exec(param);
    if (!m || value === undefined) continue;
    (m[1] === 'filter' ? include : exclude).push(parseFilter(m[2], value, param));
  }

  const attribution = params.attribution ?? 'conversion';
  if (attribution !== 'conversion' && attribution !== 'click') {
    throw new AppError('invalid_filter', 'attribution must be conversion or click');
  }
  if (params.compare !== undefined && params.compare !== 'previous') {
    throw new AppError('invalid_filter', 'compare takes only "previous"');
  }

  let sort: ReportQuery['sort'] = null;
  if (params.sort) {
    const descending = params.sort.startsWith('-');
    const key = descending ? params.sort.slice(1) : params.sort;
    const sortable = [...METRICS, ...groupBy.map(rowKeyOf)] as string[];
    if (!sortable.includes(key)) {
      throw new AppError('invalid_sort', `cannot sort by "${key}"; a metric or a grouped dimension`);
    }
    sort = { key, descending };
  }

  let limit = DEFAULT_LIMIT;
  if (params.limit !== undefined) {
    limit = /^\d{1,6}$/.test(params.limit) ? Number(params.limit) : 0;
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new AppError('invalid_filter', `limit must be a whole number from 1 to ${MAX_LIMIT}`);
    }
  }

  const days = toDay - fromDay + 1;
  const raw = readsRawRows({ groupBy, include, exclude });
  const maxDays = raw ? MAX_RAW_DAYS : groupBy.includes('hour') ? MAX_HOURLY_DAYS : MAX_ROLLUP_DAYS;
  if (days > maxDays) {
    const why = raw ? 'with a sub id' : groupBy.includes('hour') ? 'by hour' : '';
    throw new AppError('range_too_long', `a report ${why} covers at most ${maxDays} days`.replace('  ', ' '));
  }
  return {
    fromDay,
    toDay,
    tz,
    groupBy,
    include,
    exclude,
    attribution,
    compare: params.compare === 'previous',
    sort,
    limit,
  };
}

/** Whether the report reads raw rows: a sub id dimension is grouped or filtered on. */
export function readsRawRows(q: Pick<ReportQuery, 'groupBy' | 'include' | 'exclude'>): boolean {
  return [...q.groupBy, ...q.include.map((f) => f.dimension), ...q.exclude.map((f) => f.dimension)].some(
    (d) => !isTimeDimension(d) && ENTITY_DIMENSIONS[d].kind === 'sub',
  );
}
