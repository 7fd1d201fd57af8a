// The report's columns, totals and CSV for an answer that mixes currencies (rows split by currency,
// one summary per currency) and for one from an API that does not tell currencies.
import { describe, expect, it } from 'vitest';
import { conditionFilters, conditionSearch, conditionsOf } from './report-conditions';
import type { NameBook } from './report-names';
import { reportColumns, toCsv, totalRows } from './report-table';
import { fillSeries, type Report } from './reports';

const names: NameBook = {
  labelOf: (d, v) =>
    d === 'offer' ? ({ '1': 'Puzzle', '2': 'Casino, EU' }[String(v)] ?? `#${v}`) : String(v ?? ''),
  choices: () => [],
};
const metrics = (clicks: number, revenue: number | null) => ({
  clicks,
  conversions: 1,
  revenue,
  payout: revenue === null ? null : revenue / 2,
  cr: 0.5,
});
const mixed: Report = {
  from: '2026-11-01',
  to: '2026-11-02',
  tz: 'UTC',
  groupBy: ['day', 'offer'],
  rows: [
    { day: '2026-11-01', offerId: 1, currency: 'USD', ...metrics(2, 3.5) },
    { day: '2026-11-01', offerId: 2, currency: 'EUR', ...metrics(4, 4.25) },
    { day: '2026-11-02', offerId: 3, currency: 'USD', ...metrics(1, 1) },
  ],
  summary: { currency: null, ...metrics(7, null) },
  summaryByCurrency: [
    { currency: 'EUR', ...metrics(4, 4.25) },
    { currency: 'USD', ...metrics(3, 4.5) },
  ],
  totalRows: 3,
  truncated: false,
};

describe('report table', () => {
  it('shows names, money in its currency and one total per currency', () => {
    const columns = reportColumns(mixed, mixed.groupBy, names, 'table');
    expect(columns.map((c) => c.label)).toEqual([
      'Day',
      'Offer',
      'Currency',
      'Clicks',
      'Conversions',
      'Revenue',
      'Payout',
      'CR',
    ]);
    const revenue = columns.find((c) => c.key === 'revenue');
    expect(mixed.rows.map((r) => revenue?.text(r))).toEqual(['$3.50', '€4.25', '$1.00']);
    expect(mixed.rows.map((r) => columns[1].text(r))).toEqual(['Puzzle', 'Casino, EU', '#3']);
    expect(totalRows(mixed).map((t) => [t.label, revenue?.text(t.row)])).toEqual([
      ['Total EUR', '€4.25'],
      ['Total USD', '$4.50'],
    ]);
  });

  it('writes the CSV with the id beside the name, plain numbers and the currency', () => {
    const csv = toCsv(reportColumns(mixed, mixed.groupBy, names, 'csv'), mixed.rows, totalRows(mixed));
    expect(csv.split('\n')).toEqual([
      'Day,Offer id,Offer,Currency,Clicks,Conversions,Revenue,Payout,CR',
      '2026-11-01,1,Puzzle,USD,2,1,3.50,1.75,50.00%',
      '2026-11-01,2,"Casino, EU",EUR,4,1,4.25,2.13,50.00%',
      '2026-11-02,3,#3,USD,1,1,1.00,0.50,50.00%',
      'Total EUR,,,EUR,4,1,4.25,2.13,50.00%',
      'Total USD,,,USD,3,1,4.50,2.25,50.00%',
    ]);
  });

  it('reads an answer without currencies as before: plain money, one total, no currency column', () => {
    const plain: Report = {
      ...mixed,
      rows: mixed.rows.map(({ currency, ...r }) => r),
      summary: metrics(7, 8.75),
      summaryByCurrency: undefined,
    };
    const columns = reportColumns(plain, ['offer'], names, 'table');
    expect(columns.map((c) => c.label)).not.toContain('Currency');
    expect(columns.find((c) => c.key === 'revenue')?.text(plain.rows[0])).toBe('3.50');
    expect(totalRows(plain)).toEqual([{ label: 'Total', row: plain.summary }]);
  });

  it('adds up the chart rows of one day split by currency', () => {
    expect(fillSeries(mixed, 'day').rows).toEqual([
      { clicks: 6, conversions: 2 },
      { clicks: 1, conversions: 1 },
    ]);
  });
});

describe('report conditions in the URL', () => {
  it('reads any number of include and exclude conditions, numbers as text, empty ones dropped', () => {
    const search = {
      groupBy: 'day',
      'filter.offer': 1,
      'exclude.country': 'US, DE ,US',
      'filter.os': '',
      'filter.sub2': '007',
      'exclude.x.y': 'z',
    };
    expect(conditionSearch(search)).toEqual({
      'filter.offer': 1,
      'exclude.country': 'US,DE',
      'filter.sub2': '007',
    });
    const conditions = conditionsOf({ 'exclude.country': 'US', 'filter.offer': '1,2', 'filter.sub1': 'fb' });
    expect(conditions).toEqual([
      { kind: 'filter', dimension: 'offer', values: ['1', '2'] },
      { kind: 'filter', dimension: 'sub1', values: ['fb'] },
      { kind: 'exclude', dimension: 'country', values: ['US'] },
    ]);
    expect(conditionFilters(conditions)).toEqual({
      'filter.offer': '1,2',
      'filter.sub1': 'fb',
      'exclude.country': 'US',
    });
  });
});
