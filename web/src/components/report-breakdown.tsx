// A report's breakdown: the table (sortable by its headers, with its totals), the comparison with
// the previous period, and CSV export of exactly the table shown (ids beside names, plain numbers).
import type { NameBook } from '../lib/report-names';
import { reportColumns, type TotalRow, toCsv, totalCells, totalRows } from '../lib/report-table';
import { formatCell, METRICS, type Report, rowKeyOf } from '../lib/reports';
import { ui } from './ui';

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

/** "Clicks 10 → 12 (+20.0%)" for the metrics both periods have in one currency. */
function comparison(now: TotalRow[], before: TotalRow[]): string {
  const parts: string[] = [];
  for (const m of ['clicks', 'conversions', 'revenue']) {
    for (const total of now) {
      const previous = before.find((b) => (b.row.currency ?? null) === (total.row.currency ?? null));
      const a = total.row[m];
      const b = previous?.row[m];
      if (typeof a !== 'number' || typeof b !== 'number') continue;
      const change = b === 0 ? '' : ` (${a >= b ? '+' : ''}${(((a - b) / b) * 100).toFixed(1)}%)`;
      const label = METRICS.find(([k]) => k === m)?.[1];
      parts.push(
        `${label} ${formatCell(m, b, total.row.currency)} → ${formatCell(m, a, total.row.currency)}${change}`,
      );
      if (m !== 'revenue') break; // counts have no currency: once is enough
    }
  }
  return parts.join('; ');
}

export function ReportBreakdown(props: {
  report: Report;
  groupBy: string[];
  names: NameBook;
  sort: string | undefined;
  onSort: (key: string) => void;
}) {
  const r = props.report;
  const columns = reportColumns(r, props.groupBy, props.names, 'table');
  const totals = totalRows(r);
  const csv = () => toCsv(reportColumns(r, props.groupBy, props.names, 'csv'), r.rows, totals);
  return (
    <section className={ui.stack} aria-label="Breakdown">
      <div className={ui.row}>
        <p className={ui.help} style={{ margin: 0 }}>
          {r.from} to {r.to}, {r.tz}: {r.totalRows} rows
          {r.truncated ? ` (first ${r.rows.length} shown)` : ''}.
        </p>
        <button
          type="button"
          className={ui.button}
          onClick={() => download(`report-${r.from}-${r.to}.csv`, csv())}
        >
          Export CSV
        </button>
      </div>
      {r.previous && (
        <p className={ui.help}>
          Previous period {r.previous.from} to {r.previous.to}: {comparison(totals, totalRows(r.previous))}
        </p>
      )}
      <div className={ui.tableWrap}>
        <table className={ui.table}>
          <caption className="visually-hidden">Report breakdown</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th
                  key={c.key}
                  scope="col"
                  className={c.dimension ? undefined : ui.num}
                  aria-sort={
                    c.sortKey && props.sort === c.sortKey
                      ? 'ascending'
                      : c.sortKey && props.sort === `-${c.sortKey}`
                        ? 'descending'
                        : undefined
                  }
                >
                  {c.sortKey ? (
                    <button
                      type="button"
                      className={ui.sortButton}
                      onClick={() => props.onSort(c.sortKey as string)}
                    >
                      {c.label}
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {r.rows.map((row) => (
              <tr
                key={[...props.groupBy.map((d) => String(row[rowKeyOf(d)])), String(row.currency)].join('|')}
              >
                {columns.map((c) => (
                  <td key={c.key} className={c.dimension ? undefined : ui.num}>
                    {c.text(row)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          <tfoot>
            {totals.map((total) => (
              <tr key={total.label}>
                {totalCells(columns, total).map((text, i) => (
                  <th
                    key={columns[i].key}
                    scope={i === 0 ? 'row' : undefined}
                    className={columns[i].dimension ? undefined : ui.num}
                  >
                    {text}
                  </th>
                ))}
              </tr>
            ))}
          </tfoot>
        </table>
      </div>
    </section>
  );
}
