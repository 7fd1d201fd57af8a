// Postbacks ("Tracking Tools"): per publisher, with scope, statuses and the last delivery result.
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { type Column, DataTable } from '../components/data-table';
import { Pager } from '../components/pager';
import { Badge, Field, Loaded, Page, Time, ui } from '../components/ui';
import { get, query } from '../lib/api';
import { usePublisherChoices } from '../lib/queries';
import type { Page as ApiPage, Postback } from '../lib/types';

const route = getRouteApi('/app/postbacks');
const appRoute = getRouteApi('/app');

export function scopeLabel(p: Pick<Postback, 'scope' | 'offerId' | 'goal' | 'linkId'>): string {
  if (p.scope === 'global') return 'Global: all offers';
  if (p.scope === 'offer') return `Offer #${p.offerId}`;
  if (p.scope === 'goal') return `Offer #${p.offerId}, goal ${p.goal}`;
  if (p.scope === 'link') return `Link #${p.linkId} (offer #${p.offerId})`;
  return p.scope;
}

export function statusesLabel(statuses: string[]): string {
  const isLedger = (s: string) => s === 'adjustment' || s === 'redemption';
  const ledger = statuses.filter(isLedger);
  const conversion = statuses.filter((s) => !isLedger(s));
  const label = conversion.length >= 5 ? 'All' : conversion.join(', ');
  return ledger.length > 0 ? `${label}; ledger: ${ledger.join(', ')}` : label;
}

function lastResult(p: Postback) {
  if (p.state !== 'active') return <Badge status={p.state === 'off' ? 'off' : 'held'} />;
  if (!p.lastSuccessAt && !p.lastFailureAt) return <span className={ui.help}>Not fired yet</span>;
  const failedLast = (p.lastFailureAt ?? 0) > (p.lastSuccessAt ?? 0);
  return (
    <span>
      <Badge status={failedLast ? 'failed' : 'succeeded'} />{' '}
      <Time ms={failedLast ? p.lastFailureAt : p.lastSuccessAt} />
    </span>
  );
}

const columns: Column<Postback>[] = [
  {
    header: 'Postback URL',
    accessorKey: 'url',
    cell: (c) => (
      <Link
        to="/postbacks/$postbackId"
        params={{ postbackId: String(c.row.original.id) }}
        className={ui.mono}
      >
        {c.row.original.url}
      </Link>
    ),
  },
  { header: 'Publisher', accessorKey: 'publisherId', meta: { numeric: true } },
  { header: 'Scope', cell: (c) => scopeLabel(c.row.original) },
  { header: 'Statuses', cell: (c) => statusesLabel(c.row.original.statuses) },
  { header: 'Method', accessorKey: 'method' },
  { header: 'On', cell: (c) => (c.row.original.enabled ? 'Enabled' : 'Disabled') },
  { header: 'Last delivery', cell: (c) => lastResult(c.row.original) },
];

export function PostbacksScreen() {
  const search = route.useSearch();
  const { user } = appRoute.useRouteContext();
  const navigate = useNavigate();
  const publishers = usePublisherChoices(user.role === 'admin');
  const list = useQuery({
    queryKey: ['postbacks', 'list', search.publisherId, search.cursor],
    queryFn: () =>
      get<ApiPage<Postback>>(
        `/postbacks${query({ publisherId: search.publisherId, cursor: search.cursor, limit: 50 })}`,
      ),
  });
  return (
    <Page
      title="Postbacks"
      lede="Tell your tracker about every conversion: a Postback URL with macros, fired server to server."
      actions={
        <Link
          to="/postbacks/new"
          search={{ publisherId: search.publisherId }}
          className={`${ui.button} ${ui.primary}`}
        >
          New postback
        </Link>
      }
    >
      {user.role === 'admin' && (
        <div style={{ maxWidth: '20rem' }}>
          <Field label="Publisher">
            {(p) => (
              <select
                {...p}
                className={ui.input}
                value={search.publisherId ?? ''}
                onChange={(e) =>
                  navigate({
                    to: '/postbacks',
                    search: { publisherId: e.target.value ? Number(e.target.value) : undefined },
                  })
                }
              >
                <option value="">All publishers</option>
                {(publishers.data?.data ?? []).map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} (#{p.id})
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
      )}
      <Loaded query={list} what="Postbacks could not be loaded">
        {(page) => (
          <>
            <DataTable
              caption="Postbacks"
              columns={columns}
              data={page.data}
              empty={
                <>
                  <p>No postbacks yet. A postback tells your tracker about each conversion.</p>
                  <Link
                    to="/postbacks/new"
                    search={{ publisherId: search.publisherId }}
                    className={`${ui.button} ${ui.primary}`}
                  >
                    Add your first postback URL
                  </Link>
                </>
              }
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
