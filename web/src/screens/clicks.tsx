// Clicks: newest first, filtered by sub ids, country, device, bot flag and ad-platform click ids;
// a click's page shows everything captured and the conversions it led to.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import type { Column } from '../components/data-table';
import {
  type FilterField,
  FilterForm,
  formatDuration,
  localTimeMs,
  TIME_FIELDS,
} from '../components/filter-form';
import { PagedTable } from '../components/paged-table';
import { Badge, CopyButton, Loaded, Page, Time, ui } from '../components/ui';
import { get, query } from '../lib/api';
import { formatMoney } from '../lib/format';
import { CLICK_FILTERS, SUB_FILTERS } from '../lib/log-filters';
import type { Page as ApiPage, Click, ConversionDetail } from '../lib/types';

const route = getRouteApi('/app/clicks');
const detailRoute = getRouteApi('/app/clicks/$clickId');
const YES_NO = [
  { value: 'true', label: 'yes' },
  { value: 'false', label: 'no' },
];

const FIELDS: FilterField[] = [
  { name: 'publisherId', label: 'Publisher id' },
  { name: 'offerId', label: 'Offer id' },
  ...SUB_FILTERS.map((name, i) => ({ name, label: `Sub ID ${i + 1}` })),
  { name: 'country', label: 'Country (2 letters)' },
  {
    name: 'device',
    label: 'Device',
    options: ['desktop', 'mobile', 'tablet', 'console', 'smarttv', 'wearable'].map((d) => ({
      value: d,
      label: d,
    })),
  },
  { name: 'isBot', label: 'Bot', options: YES_NO },
  { name: 'hasFbclid', label: 'Has fbclid', options: YES_NO },
  { name: 'hasGclid', label: 'Has gclid', options: YES_NO },
  { name: 'hasTtclid', label: 'Has ttclid', options: YES_NO },
  ...TIME_FIELDS,
];

export function ClicksScreen() {
  const search = route.useSearch();
  const params: Record<string, string | number | boolean | undefined> = { cursor: search.cursor, limit: 50 };
  for (const name of CLICK_FILTERS) params[name] = search[name];
  params.from = localTimeMs(search.from);
  params.to = localTimeMs(search.to);
  const list = useQuery({
    queryKey: ['clicks', params],
    queryFn: () => get<ApiPage<Click>>(`/clicks${query(params)}`),
    placeholderData: keepPreviousData,
  });
  const columns: Column<Click>[] = [
    {
      header: 'When',
      accessorKey: 'createdAt',
      cell: (c) => (
        <Link to="/clicks/$clickId" params={{ clickId: c.row.original.id }}>
          <Time ms={c.row.original.createdAt} />
        </Link>
      ),
    },
    { header: 'Offer', accessorKey: 'offerId', meta: { numeric: true } },
    { header: 'Publisher', accessorKey: 'publisherId', meta: { numeric: true } },
    { header: 'Sub ID 1', accessorKey: 'sub1' },
    { header: 'Country', accessorKey: 'country' },
    { header: 'Device', accessorKey: 'device' },
    { header: 'OS', accessorKey: 'os' },
    {
      header: 'Ad click ids',
      id: 'platform',
      cell: (c) =>
        ['fbclid', 'gclid', 'ttclid', 'msclkid'].filter((k) => c.row.original[k]).join(', ') || '—',
    },
    { header: 'Bot', accessorKey: 'isBot', cell: (c) => (c.row.original.isBot ? 'bot' : '—') },
  ];
  return (
    <Page title="Clicks" lede="Every visit through a tracking link, with what was captured, newest first.">
      <FilterForm label="Filter clicks" fields={FIELDS} values={search} />
      <p className={ui.help}>Unique / duplicate is not a filter yet: clicks carry no uniqueness flag.</p>
      <PagedTable
        list={list}
        what="Clicks"
        caption="Clicks"
        columns={columns}
        none="No clicks match"
        search={search}
      />
    </Page>
  );
}

const CAPTURED: [string, string][] = [
  ['linkId', 'Link'],
  ['offerId', 'Offer'],
  ['publisherId', 'Publisher'],
  ['advertiserId', 'Advertiser'],
  ...SUB_FILTERS.map((s, i) => [s, `Sub ID ${i + 1}`] as [string, string]),
  ['externalId', 'External id'],
  ['fbclid', 'fbclid'],
  ['gclid', 'gclid'],
  ['ttclid', 'ttclid'],
  ['gbraid', 'gbraid'],
  ['wbraid', 'wbraid'],
  ['msclkid', 'msclkid'],
  ['ip', 'IP'],
  ['userAgent', 'User agent'],
  ['device', 'Device'],
  ['os', 'OS'],
  ['browser', 'Browser'],
  ['country', 'Country'],
  ['referrer', 'Referrer'],
];

export function ClickScreen() {
  const { clickId } = detailRoute.useParams();
  const click = useQuery({ queryKey: ['clicks', clickId], queryFn: () => get<Click>(`/clicks/${clickId}`) });
  const conversions = useQuery({
    queryKey: ['conversions', { clickId }],
    queryFn: () => get<ApiPage<ConversionDetail>>(`/conversions${query({ clickId, limit: 100 })}`),
  });
  return (
    <Page title={`Click ${clickId}`} lede="Everything captured on this visit, and what it converted into.">
      <Loaded query={click} what="The click could not be loaded">
        {(c) => (
          <section className={`${ui.card} ${ui.stack}`} aria-label="Captured">
            <dl className={ui.dl}>
              <dt>Click id</dt>
              <dd className={ui.mono}>
                {c.id} <CopyButton text={c.id} label="Copy click id" />
              </dd>
              <dt>When</dt>
              <dd>
                <Time ms={c.createdAt} />
              </dd>
              <dt>Bot</dt>
              <dd>{c.isBot ? 'yes, flagged as a bot' : 'no'}</dd>
              {CAPTURED.map(([key, label]) => (
                <Captured key={key} label={label} value={c[key]} />
              ))}
            </dl>
          </section>
        )}
      </Loaded>
      <section className={ui.stack} aria-labelledby="conv-t">
        <h2 id="conv-t">Conversions</h2>
        <Loaded query={conversions} what="The conversions could not be loaded">
          {(page) =>
            page.data.length === 0 ? (
              <p className={ui.help}>This click has not converted.</p>
            ) : (
              <ul>
                {page.data.map((v) => (
                  <li key={v.id}>
                    <Link to="/conversions/$conversionId" params={{ conversionId: v.id }}>
                      {v.id}
                    </Link>{' '}
                    <Badge status={v.status} /> {v.goal} · {formatMoney(v.payout, v.currency)} ·{' '}
                    {formatDuration(v.clickedAt === null ? null : v.createdAt - v.clickedAt)} after the click
                  </li>
                ))}
              </ul>
            )
          }
        </Loaded>
      </section>
    </Page>
  );
}

function Captured(props: { label: string; value: unknown }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd className={ui.mono} style={{ overflowWrap: 'anywhere' }}>
        {props.value === null || props.value === undefined || props.value === '' ? '—' : String(props.value)}
      </dd>
    </>
  );
}
