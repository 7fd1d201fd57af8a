// A hand-drawn SVG line chart of a few series over time, with its data as a table beside it, so
// the figures read without the picture (screen readers, tests, a glance at exact numbers).
import { ui } from './ui';

export interface Series {
  name: string;
  color: string;
  values: number[];
}

const WIDTH = 640;
const HEIGHT = 200;
const PAD = { left: 44, right: 12, top: 12, bottom: 28 };

export function TimeSeriesChart(props: { title: string; labels: string[]; series: Series[] }) {
  const { labels, series } = props;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const x = (i: number) =>
    PAD.left + (labels.length <= 1 ? 0 : (i * (WIDTH - PAD.left - PAD.right)) / (labels.length - 1));
  const y = (v: number) => PAD.top + (HEIGHT - PAD.top - PAD.bottom) * (1 - v / max);
  const tick = Math.max(1, Math.ceil(labels.length / 6));
  return (
    <div className={ui.cardGrid} style={{ gridTemplateColumns: 'repeat(auto-fit, minmax(300px, 1fr))' }}>
      <figure className={ui.card} style={{ margin: 0 }}>
        <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="img" aria-label={`${props.title}: chart`}>
          <line
            x1={PAD.left}
            x2={WIDTH - PAD.right}
            y1={y(0)}
            y2={y(0)}
            stroke="currentColor"
            opacity={0.3}
          />
          <text x={PAD.left - 6} y={y(max) + 4} textAnchor="end" fontSize={11} fill="currentColor">
            {max}
          </text>
          <text x={PAD.left - 6} y={y(0) + 4} textAnchor="end" fontSize={11} fill="currentColor">
            0
          </text>
          {labels.map((label, i) =>
            i % tick === 0 ? (
              <text key={label} x={x(i)} y={HEIGHT - 8} textAnchor="middle" fontSize={11} fill="currentColor">
                {label.length > 10 ? label.slice(5) : label}
              </text>
            ) : null,
          )}
          {series.map((s) => (
            <polyline
              key={s.name}
              fill="none"
              stroke={s.color}
              strokeWidth={2}
              points={s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ')}
            />
          ))}
        </svg>
        <figcaption className={ui.help}>
          {series.map((s) => (
            <span key={s.name} style={{ marginRight: 12 }}>
              <span aria-hidden="true" style={{ color: s.color }}>
                ■
              </span>{' '}
              {s.name}
            </span>
          ))}
        </figcaption>
      </figure>
      {/* Scrolls when long, so it takes focus to be scrolled by keyboard. */}
      <section
        className={ui.tableWrap}
        style={{ maxHeight: 260, overflowY: 'auto' }}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
        tabIndex={0}
        aria-label={`${props.title}: data`}
      >
        <table className={ui.table}>
          <caption>{props.title}: data</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              {series.map((s) => (
                <th key={s.name} scope="col" className={ui.num}>
                  {s.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {labels.map((label, i) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                {series.map((s) => (
                  <td key={s.name} className={ui.num}>
                    {s.values[i]}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
