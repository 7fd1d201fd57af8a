// Reports: a date range (presets or custom) in a time zone, up to three groupings, any number of
// include and exclude conditions, sort, comparison with the previous period; a time-series chart
// with its data table, the breakdown table with its totals (one per currency when they mix), and CSV
// export of exactly that table. All state is in the URL, so a report can be bookmarked and shared.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { AddCondition, DimensionCondition } from '../components/dimension-condition';
import { ReportBreakdown } from '../components/report-breakdown';
import { TimeSeriesChart } from '../components/time-series-chart';
import { Field, Loaded, Page, ui } from '../components/ui';
import {
  type ConditionSearch,
  conditionFilters,
  conditionPatch,
  conditionsOf,
} from '../lib/report-conditions';
import { useNameBook } from '../lib/report-names';
import {
  dimensionsFor,
  fetchReport,
  fillSeries,
  isTimeDimension,
  PRESETS,
  type Preset,
  presetRange,
  type ReportRequest,
} from '../lib/reports';

const route = getRouteApi('/app/reports');
const appRoute = getRouteApi('/app');

export type ReportSearch = {
  preset?: Preset;
  from?: string;
  to?: string;
  tz?: string;
  groupBy?: string;
  sort?: string;
  compare?: boolean;
  attribution?: string;
} & ConditionSearch;

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const ZONES = [
  'UTC',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Tokyo',
  'Australia/Sydney',
];
export function ReportsScreen() {
  const search = route.useSearch();
  const { user } = appRoute.useRouteContext();
  const names = useNameBook(['advertiser', 'offer', 'publisher', 'link'], user.role);
  const navigate = useNavigate({ from: '/reports' });
  const set = (patch: Partial<ReportSearch>) =>
    navigate({ search: (old: ReportSearch) => ({ ...old, ...patch }), replace: true });

  const tz = search.tz ?? browserZone();
  const preset: Preset = search.preset ?? 'last7';
  const range =
    preset === 'custom' && search.from && search.to
      ? { from: search.from, to: search.to }
      : presetRange(preset === 'custom' ? 'last7' : preset, tz);
  const groupBy = (search.groupBy ?? 'day').split(',').filter(Boolean);
  const conditions = conditionsOf(search);
  const filters = conditionFilters(conditions);
  const request: ReportRequest = {
    from: range?.from ?? '',
    to: range?.to ?? '',
    tz,
    groupBy,
    filters,
    sort: search.sort,
    compare: search.compare,
    attribution: search.attribution,
  };
  const report = useQuery({
    queryKey: ['report', request],
    queryFn: () => fetchReport(request),
    placeholderData: keepPreviousData,
  });
  const oneDay = request.from === request.to;
  const seriesRequest: ReportRequest = {
    ...request,
    groupBy: [oneDay ? 'hour' : 'day'],
    sort: undefined,
    compare: false,
  };
  const series = useQuery({
    queryKey: ['report', seriesRequest],
    queryFn: () => fetchReport(seriesRequest),
    placeholderData: keepPreviousData,
  });

  const setGrouping = (level: number, value: string) => {
    const next = [...groupBy];
    if (value) next[level] = value;
    else next.splice(level);
    set({ groupBy: next.filter(Boolean).join(','), sort: undefined });
  };
  const sortBy = (key: string) => set({ sort: search.sort === `-${key}` ? key : `-${key}` });
  const dimensions = dimensionsFor(report.data);
  const filterable = dimensions.filter(([d]) => !isTimeDimension(d));

  return (
    <Page
      title="Reports"
      lede="Clicks, conversions and money over a period, grouped and filtered as you choose."
    >
      <form className={ui.formGrid} onSubmit={(e) => e.preventDefault()} aria-label="Report settings">
        <Field label="Period">
          {(c) => (
            <select
              {...c}
              className={ui.input}
              value={preset}
              onChange={(e) => {
                const next = e.target.value as Preset;
                set(
                  next === 'custom'
                    ? { preset: next, from: range?.from, to: range?.to }
                    : { preset: next, from: undefined, to: undefined },
                );
              }}
            >
              {PRESETS.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {preset === 'custom' && (
          <>
            <Field label="From">
              {(c) => (
                <input
                  {...c}
                  type="date"
                  className={ui.input}
                  value={search.from ?? ''}
                  onChange={(e) => set({ from: e.target.value })}
                />
              )}
            </Field>
            <Field label="To">
              {(c) => (
                <input
                  {...c}
                  type="date"
                  className={ui.input}
                  value={search.to ?? ''}
                  onChange={(e) => set({ to: e.target.value })}
                />
              )}
            </Field>
          </>
        )}
        <Field label="Time zone" help="Any IANA zone, e.g. Asia/Kolkata.">
          {(c) => (
            <>
              <input
                {...c}
                className={ui.input}
                list="report-zones"
                defaultValue={tz}
                key={tz}
                onBlur={(e) => e.target.value && e.target.value !== tz && set({ tz: e.target.value })}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    const v = e.currentTarget.value;
                    if (v && v !== tz) set({ tz: v });
                  }
                }}
              />
              <datalist id="report-zones">
                {ZONES.map((z) => (
                  <option key={z} value={z} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        {[0, 1, 2].map((level) =>
          level <= groupBy.length ? (
            <Field key={level} label={`Group by ${level + 1}`}>
              {(c) => (
                <select
                  {...c}
                  className={ui.input}
                  value={groupBy[level] ?? ''}
                  onChange={(e) => setGrouping(level, e.target.value)}
                >
                  <option value="">{level === 0 ? 'Nothing (totals)' : 'Nothing more'}</option>
                  {dimensions
                    .filter(([d]) => d === groupBy[level] || !groupBy.includes(d))
                    .map(([d, label]) => (
                      <option key={d} value={d}>
                        {label}
                      </option>
                    ))}
                </select>
              )}
            </Field>
          ) : null,
        )}
        <Field label="Count conversions at">
          {(c) => (
            <select
              {...c}
              className={ui.input}
              value={search.attribution ?? 'conversion'}
              onChange={(e) => set({ attribution: e.target.value === 'click' ? 'click' : undefined })}
            >
              <option value="conversion">Conversion time</option>
              <option value="click">Click time</option>
            </select>
          )}
        </Field>
        <label className={ui.row} style={{ alignItems: 'center', gap: 8 }}>
          <input
            type="checkbox"
            checked={Boolean(search.compare)}
            onChange={(e) => set({ compare: e.target.checked || undefined })}
          />
          Compare with the previous period
        </label>
      </form>

      <section className={ui.stack} aria-label="Conditions">
        {conditions.map((c) => (
          <DimensionCondition
            key={`${c.kind}.${c.dimension}`}
            condition={c}
            names={names}
            onValues={(values) => set(conditionPatch(c.kind, c.dimension, values))}
          />
        ))}
        <AddCondition
          dimensions={filterable}
          names={names}
          onAdd={(kind, dimension, values) => {
            const had = conditions.find((c) => c.kind === kind && c.dimension === dimension)?.values ?? [];
            set(conditionPatch(kind, dimension, [...new Set([...had, ...values])]));
          }}
        />
      </section>

      <Loaded query={series} what="The chart could not be loaded">
        {(s) => {
          const { labels, rows } = fillSeries(s, oneDay ? 'hour' : 'day');
          return (
            <TimeSeriesChart
              title={`Clicks and conversions by ${oneDay ? 'hour' : 'day'}`}
              labels={labels}
              series={[
                { name: 'Clicks', color: '#2563eb', values: rows.map((r) => Number(r.clicks)) },
                { name: 'Conversions', color: '#16a34a', values: rows.map((r) => Number(r.conversions)) },
              ]}
            />
          );
        }}
      </Loaded>

      <Loaded query={report} what="The report could not be loaded">
        {(r) => (
          <ReportBreakdown report={r} groupBy={groupBy} names={names} sort={search.sort} onSort={sortBy} />
        )}
      </Loaded>
    </Page>
  );
}
