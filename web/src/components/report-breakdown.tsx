// A report's breakdown: the table (sortable by its headers, with the summary row), the comparison
// with the previous period, and CSV export of exactly the table shown.
import { formatCell, labelOf, METRICS, type Report, rowKeyOf, toCsv } from '../lib/reports';
import { ui } from './ui';

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

export function ReportBreakdown(props: {
  report: Report;
  groupBy: string[];
  sort: string | undefined;
  onSort: (key: string) => void;
}) {
  const r = props.report;
  const groupBy = props.groupBy;

  const columns = [
    ...groupBy.map((d) => ({ key: rowKeyOf(d), label: labelOf(d), dimension: true })),
    ...METRICS.filter(([m]) => m in r.summary).map(([key, label]) => ({
      key,
      label,
      dimension: false,
    })),
  ];
  const csv = () => toCsv(columns, r.rows, r.summary);
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
          Previous period {r.previous.from} to {r.previous.to}:{' '}
          {['clicks', 'conversions', 'revenue']
            .filter((m) => m in r.summary)
            .map((m) => {
              const now = Number(r.summary[m]);
              const before = Number(r.previous?.summary[m]);
              const change =
                before === 0
                  ? ''
                  : ` (${now >= before ? '+' : ''}${(((now - before) / before) * 100).toFixed(1)}%)`;
              return `${METRICS.find(([k]) => k === m)?.[1]} ${formatCell(m, before)} → ${formatCell(m, now)}${change}`;
            })
            .join('; ')}
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
                    props.sort === c.key ? 'ascending' : props.sort === `-${c.key}` ? 'descending' : undefined
                  }
                >
                  <button type="button" className={ui.sortButton} onClick={() => props.onSort(c.key)}>
                    {c.label}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {r.rows.map((row) => (
              <tr
                key={
                  columns
                    .filter((c) => c.dimension)
                    .map((c) => String(row[c.key]))
                    .join('|') || 'total'
                }
              >
                {columns.map((c) => (
                  <td key={c.key} className={c.dimension ? undefined : ui.num}>
                    {formatCell(c.key, row[c.key])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              {columns.map((c, i) => (
                <th
                  key={c.key}
                  scope={i === 0 ? 'row' : undefined}
                  className={c.dimension ? undefined : ui.num}
                >
                  {c.dimension ? (i === 0 ? 'Total' : '') : formatCell(c.key, r.summary[c.key])}
                </th>
              ))}
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}
