// A report's columns, on screen and in the CSV, from one description: named dimensions show their
// names (the CSV keeps the id beside the name), money shows its currency, totals come one per
// currency when the currencies mix.
import type { NameBook } from './report-names';
import { isNamedDimension } from './report-names';
import {
  formatCell,
  labelOf,
  METRICS,
  type ReportPeriod,
  type ReportRow,
  reportHasCurrency,
  rowKeyOf,
} from './reports';

export interface ReportColumn {
  key: string;
  label: string;
  dimension: boolean;
  /** What `sort=` names to order by this column; none when the API cannot sort by it. */
  sortKey?: string;
  text: (row: ReportRow) => string;
}

export interface TotalRow {
  label: string;
  row: ReportRow;
}

const currencyColumn: ReportColumn = {
  key: 'currency',
  label: 'Currency',
  dimension: true,
  text: (row) => String(row.currency ?? ''),
};

function dimensionColumns(groupBy: string[], names: NameBook, csv: boolean): ReportColumn[] {
  return groupBy.flatMap((d) => {
    const key = rowKeyOf(d);
    const named: ReportColumn = {
      key,
      label: labelOf(d),
      dimension: true,
      sortKey: key,
      text: (row) => names.labelOf(d, row[key]),
    };
    if (!csv || !isNamedDimension(d)) return [named];
    const id = {
      ...named,
      key: `${key}:id`,
      label: `${labelOf(d)} id`,
      text: (row: ReportRow) => String(row[key] ?? ''),
    };
    return [id, named];
  });
}

/**
 * The columns in order. On screen money reads with its currency and a Currency column appears when
 * rows are split by it; the CSV keeps plain numbers, so it always says the currency when known.
 */
export function reportColumns(
  report: ReportPeriod,
  groupBy: string[],
  names: NameBook,
  target: 'table' | 'csv',
): ReportColumn[] {
  const csv = target === 'csv';
  const showCurrency =
    !groupBy.includes('currency') && (csv ? reportHasCurrency(report) : Boolean(report.summaryByCurrency));
  const metrics = METRICS.filter(([m]) => m in report.summary).map(
    ([key, label]): ReportColumn => ({
      key,
      label,
      dimension: false,
      sortKey: key,
      text: (row) => (csv ? formatCell(key, row[key]) : formatCell(key, row[key], row.currency)),
    }),
  );
  return [...dimensionColumns(groupBy, names, csv), ...(showCurrency ? [currencyColumn] : []), ...metrics];
}

/** The summary row, or one per currency when the report mixes them. */
export function totalRows(report: ReportPeriod): TotalRow[] {
  if (report.summaryByCurrency && report.summaryByCurrency.length > 0)
    return report.summaryByCurrency.map((row) => ({ label: `Total ${row.currency ?? ''}`.trim(), row }));
  return [{ label: 'Total', row: report.summary }];
}

/** A total's cells: its label under the first dimension, its currency, its metrics. */
export function totalCells(columns: ReportColumn[], total: TotalRow): string[] {
  return columns.map((c, i) => {
    if (c.key === 'currency') return i === 0 ? total.label : c.text(total.row);
    if (c.dimension) return i === 0 ? total.label : '';
    return c.text(total.row);
  });
}

/** The table as CSV: the header row, each row, then the totals, as shown. */
export function toCsv(columns: ReportColumn[], rows: ReportRow[], totals: TotalRow[]): string {
  const cell = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const line = (values: string[]) => values.map(cell).join(',');
  return [
    line(columns.map((c) => c.label)),
    ...rows.map((r) => line(columns.map((c) => c.text(r)))),
    ...totals.map((t) => line(totalCells(columns, t))),
  ].join('\n');
}
