// Conversions: newest first, filtered by status, offer, publisher, advertiser, goal, click id, txn
// id and time, with the click time and time to convert; a publisher sees payout, never revenue.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import type { Column } from '../components/data-table';
import {
  type FilterField,
  FilterForm,
  formatDuration,
  idOptions,
  localTimeMs,
  TIME_FIELDS,
} from '../components/filter-form';
import { PagedTable } from '../components/paged-table';
import { Badge, Page, Time, ui } from '../components/ui';
import { get, query } from '../lib/api';
import { formatMoney } from '../lib/format';
import { useAdvertiserChoices, usePublisherChoices } from '../lib/queries';
import { type Page as ApiPage, type ConversionDetail, STATUSES } from '../lib/types';

const route = getRouteApi('/app/conversions');
const appRoute = getRouteApi('/app');

export function ConversionsScreen() {
  const search = route.useSearch();
  const { user } = appRoute.useRouteContext();
  const navigate = useNavigate();
  const admin = user.role === 'admin';
  const publishers = usePublisherChoices(admin);
  const advertisers = useAdvertiserChoices(admin);
  const params = {
    status: search.status,
    offerId: search.offerId,
    publisherId: search.publisherId,
    advertiserId: search.advertiserId,
    goal: search.goal,
    clickId: search.clickId,
    txnId: search.txnId,
    from: localTimeMs(search.from),
    to: localTimeMs(search.to),
    cursor: search.cursor,
    limit: 50,
  };
  const list = useQuery({
    queryKey: ['conversions', params],
    queryFn: () => get<ApiPage<ConversionDetail>>(`/conversions${query(params)}`),
    placeholderData: keepPreviousData,
  });
  const fields: FilterField[] = [
    { name: 'offerId', label: 'Offer id' },
    ...(admin
      ? [
          { name: 'publisherId', label: 'Publisher', options: idOptions(publishers.data?.data) },
          { name: 'advertiserId', label: 'Advertiser', options: idOptions(advertisers.data?.data) },
        ]
      : []),
    { name: 'goal', label: 'Goal' },
    { name: 'clickId', label: 'Click id' },
    { name: 'txnId', label: 'Txn id' },
    ...TIME_FIELDS,
  ];
  const columns: Column<ConversionDetail>[] = [
    {
      header: 'When',
      accessorKey: 'createdAt',
      cell: (c) => (
        <Link to="/conversions/$conversionId" params={{ conversionId: c.row.original.id }}>
          <Time ms={c.row.original.createdAt} />
        </Link>
      ),
    },
    { header: 'Status', accessorKey: 'status', cell: (c) => <Badge status={c.row.original.status} /> },
    { header: 'Offer', accessorKey: 'offerId', meta: { numeric: true } },
    { header: 'Publisher', accessorKey: 'publisherId', meta: { numeric: true } },
    { header: 'Goal', accessorKey: 'goal' },
    {
      header: 'Payout',
      accessorKey: 'payout',
      meta: { numeric: true },
      cell: (c) => formatMoney(c.row.original.payout, c.row.original.currency),
    },
    ...(user.role === 'publisher'
      ? []
      : [
          {
            header: 'Revenue',
            accessorKey: 'revenue',
            meta: { numeric: true },
            cell: (c) => formatMoney(c.row.original.revenue, c.row.original.currency),
          } as Column<ConversionDetail>,
        ]),
    { header: 'Click time', accessorKey: 'clickedAt', cell: (c) => <Time ms={c.row.original.clickedAt} /> },
    {
      header: 'Time to convert',
      id: 'timeToConvert',
      meta: { numeric: true },
      accessorFn: (r) => (r.clickedAt === null ? null : r.createdAt - r.clickedAt),
      cell: (c) => formatDuration(c.getValue() as number | null),
    },
    {
      header: 'Txn id',
      accessorKey: 'txnId',
      cell: (c) => <span className={ui.mono}>{c.row.original.txnId ?? '—'}</span>,
    },
  ];
  return (
    <Page title="Conversions" lede="Every recorded conversion with its status, newest first.">
      <fieldset className={ui.row} style={{ border: 0, padding: 0, margin: 0 }}>
        <legend className="visually-hidden">Status filter</legend>
        {[undefined, ...STATUSES].map((status) => (
          <button
            key={status ?? 'all'}
            type="button"
            className={ui.chip}
            aria-pressed={search.status === status}
            onClick={() =>
              navigate({
                to: '/conversions',
                search: (prev) => ({ ...prev, status, cursor: undefined, trail: undefined }),
              })
            }
          >
            {status ?? 'All'}
          </button>
        ))}
      </fieldset>
      <FilterForm label="Filter conversions" fields={fields} values={search} />
      <PagedTable
        list={list}
        what="Conversions"
        caption="Conversions"
        columns={columns}
        none={`No conversions${search.status ? ` with status ${search.status}` : ''} match`}
        search={search}
      />
    </Page>
  );
}
