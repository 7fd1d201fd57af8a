// Conversions: newest first, filtered by status; a publisher sees payout, never revenue.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { type Column, DataTable } from '../components/data-table';
import { Pager } from '../components/pager';
import { Badge, Loaded, Page, Time, ui } from '../components/ui';
import { get, query } from '../lib/api';
import { formatMoney } from '../lib/format';
import { type Page as ApiPage, type Conversion, STATUSES } from '../lib/types';

const route = getRouteApi('/app/conversions');
const appRoute = getRouteApi('/app');

export function ConversionsScreen() {
  const search = route.useSearch();
  const { user } = appRoute.useRouteContext();
  const navigate = useNavigate();
  const list = useQuery({
    queryKey: ['conversions', search.status, search.cursor],
    queryFn: () =>
      get<ApiPage<Conversion>>(
        `/conversions${query({ status: search.status, cursor: search.cursor, limit: 50 })}`,
      ),
    placeholderData: keepPreviousData,
  });
  const columns: Column<Conversion>[] = [
    { header: 'When', accessorKey: 'createdAt', cell: (c) => <Time ms={c.row.original.createdAt} /> },
    { header: 'Status', accessorKey: 'status', cell: (c) => <Badge status={c.row.original.status} /> },
    { header: 'Offer', accessorKey: 'offerId', meta: { numeric: true } },
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
          } as Column<Conversion>,
        ]),
    {
      header: 'Click',
      accessorKey: 'clickId',
      cell: (c) => <span className={ui.mono}>{c.row.original.clickId}</span>,
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
            onClick={() => navigate({ to: '/conversions', search: { status } })}
          >
            {status ?? 'All'}
          </button>
        ))}
      </fieldset>
      <Loaded query={list} what="Conversions could not be loaded">
        {(page) => (
          <>
            <DataTable
              caption="Conversions"
              columns={columns}
              data={page.data}
              empty={<p>No conversions{search.status ? ` with status ${search.status}` : ''} yet.</p>}
            />
            <Pager
              cursor={search.cursor}
              trail={search.trail}
              nextCursor={page.nextCursor}
              count={page.data.length}
            />
          </>
        )}
      </Loaded>
    </Page>
  );
}
