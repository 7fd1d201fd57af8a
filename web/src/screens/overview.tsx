// Overview: today and yesterday at a glance, the latest inbound hits, postbacks in trouble.
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { AlertsInbox } from '../components/alerts-inbox';
import { TimeSeriesChart } from '../components/time-series-chart';
import { Badge, Loaded, Page, ui } from '../components/ui';
import { get, query } from '../lib/api';
import { formatCount, formatMoney, relativeTime, utcTime } from '../lib/format';
import { fetchReport, fillSeries, presetRange } from '../lib/reports';
import type { Page as ApiPage, Postback, Role } from '../lib/types';

const appRoute = getRouteApi('/app');

interface Day {
  clicks: number;
  conversions: number;
  money: { currency: string; payout: number | null; revenue: number | null; profit: number | null }[];
}

interface Hit {
  id: number;
  receivedAt: number;
  method: string;
  url: string;
  result: string;
  code: string;
  httpStatus: number;
}

function startOfToday(): number {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

function DayCard(props: { title: string; day: Day; role: Role }) {
  const money = props.day.money.length
    ? props.day.money
    : [{ currency: 'USD', payout: 0, revenue: 0, profit: 0 }];
  const stats: [string, string][] = [
    ['Clicks', formatCount(props.day.clicks)],
    ['Conversions', formatCount(props.day.conversions)],
  ];
  for (const m of money) {
    const suffix = money.length > 1 ? ` (${m.currency})` : '';
    if (props.role !== 'publisher') stats.push([`Revenue${suffix}`, formatMoney(m.revenue ?? 0, m.currency)]);
    if (props.role !== 'advertiser') stats.push([`Payout${suffix}`, formatMoney(m.payout ?? 0, m.currency)]);
    if (props.role === 'admin') stats.push([`Profit${suffix}`, formatMoney(m.profit ?? 0, m.currency)]);
  }
  return (
    <section className={ui.card} aria-label={props.title}>
      <h2>{props.title}</h2>
      <dl
        className={ui.cardGrid}
        style={{ gridTemplateColumns: 'repeat(auto-fit, minmax(110px, 1fr))', margin: 0 }}
      >
        {stats.map(([label, value]) => (
          <div key={label} className={ui.stat}>
            <dt className={ui.statLabel}>{label}</dt>
            <dd className={ui.statValue} style={{ margin: 0 }}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export function OverviewScreen() {
  const { user } = appRoute.useRouteContext();
  const todayStart = startOfToday();
  const overview = useQuery({
    queryKey: ['overview', todayStart],
    queryFn: () => get<{ today: Day; yesterday: Day }>(`/overview${query({ todayStart })}`),
    refetchInterval: 30_000,
  });
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const week = {
    ...(presetRange('last7', zone) as { from: string; to: string }),
    tz: zone,
    groupBy: ['day'],
    filters: {},
  };
  const trend = useQuery({
    queryKey: ['report', week],
    queryFn: () => fetchReport(week),
    refetchInterval: 60_000,
  });
  const hits = useQuery({
    queryKey: ['postback-log', 'latest'],
    queryFn: () => get<ApiPage<Hit>>('/postback-log?limit=8'),
    enabled: user.role !== 'publisher',
  });
  const postbacks = useQuery({
    queryKey: ['postbacks', 'health'],
    queryFn: () => get<ApiPage<Postback>>('/postbacks?limit=500'),
    enabled: user.role !== 'advertiser',
  });
  return (
    <Page title="Overview" lede="Today and yesterday, in your time zone.">
      <Loaded query={overview} what="The figures could not be loaded">
        {(o) => (
          <div className={ui.cardGrid}>
            <DayCard title="Today" day={o.today} role={user.role} />
            <DayCard title="Yesterday" day={o.yesterday} role={user.role} />
          </div>
        )}
      </Loaded>
      <section className={ui.stack} aria-labelledby="trend-title">
        <h2 id="trend-title">Last 7 days</h2>
        <Loaded query={trend} what="The last 7 days could not be loaded">
          {(r) => {
            const { labels, rows } = fillSeries(r, 'day');
            return (
              <TimeSeriesChart
                title="Clicks and conversions by day"
                labels={labels}
                series={[
                  { name: 'Clicks', color: '#2563eb', values: rows.map((row) => Number(row.clicks)) },
                  {
                    name: 'Conversions',
                    color: '#16a34a',
                    values: rows.map((row) => Number(row.conversions)),
                  },
                ]}
              />
            );
          }}
        </Loaded>
      </section>
      {user.role !== 'advertiser' && (
        <section className={ui.stack} aria-labelledby="trouble-title">
          <h2 id="trouble-title">Postbacks that are failing or disabled</h2>
          <Loaded query={postbacks} what="Postbacks could not be loaded">
            {(page) => {
              const trouble = page.data.filter((p) => p.state !== 'active' || p.failureStreak > 0);
              if (trouble.length === 0)
                return <p className={ui.help}>None: every postback endpoint is answering.</p>;
              return (
                <ul>
                  {trouble.map((p) => (
                    <li key={p.id}>
                      <Link to="/postbacks/$postbackId" params={{ postbackId: String(p.id) }}>
                        Postback #{p.id}
                      </Link>{' '}
                      <Badge status={p.state === 'active' ? 'failed' : p.state} />{' '}
                      {p.state === 'held' || p.state === 'disabled'
                        ? `disabled after failures, deliveries held${p.disabledReason ? `: ${p.disabledReason}` : ''}`
                        : p.state === 'off'
                          ? 'switched off'
                          : `${p.failureStreak} failures in a row`}
                    </li>
                  ))}
                </ul>
              );
            }}
          </Loaded>
        </section>
      )}
      {user.role !== 'publisher' && (
        <section className={ui.stack} aria-labelledby="hits-title">
          <h2 id="hits-title">Latest inbound postback hits</h2>
          <p className={ui.help} style={{ margin: 0 }}>
            <Link to="/inbound-hits">Every hit, with filters and what each result means</Link>
          </p>
          <Loaded query={hits} what="Inbound hits could not be loaded">
            {(page) =>
              page.data.length === 0 ? (
                <p className={ui.help}>No postback hits received yet.</p>
              ) : (
                <div className={ui.tableWrap}>
                  <table className={ui.table}>
                    <caption className="visually-hidden">Latest inbound postback hits</caption>
                    <thead>
                      <tr>
                        <th>When</th>
                        <th>Result</th>
                        <th>Code</th>
                        <th>Request</th>
                      </tr>
                    </thead>
                    <tbody>
                      {page.data.map((hit) => (
                        <tr key={hit.id}>
                          <td title={utcTime(hit.receivedAt)}>{relativeTime(hit.receivedAt)}</td>
                          <td>
                            <Badge status={hit.result} />
                          </td>
                          <td>{hit.code}</td>
                          <td className={`${ui.mono} ${ui.nowrap}`}>
                            {hit.method} {hit.url}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )
            }
          </Loaded>
        </section>
      )}
      {user.role === 'admin' && <AlertsInbox />}
    </Page>
  );
}
