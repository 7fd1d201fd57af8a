// Deliveries: the queue's health (backlog, oldest wait, failing endpoints), every delivery (its
// attempts and "Resend now" are on its page, delivery-detail.tsx), and "Resend failed" for a
// postback's failures since a time.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { type FormEvent, useId } from 'react';
import type { Column } from '../components/data-table';
import { FilterForm, formatDuration, localTimeMs, TIME_FIELDS } from '../components/filter-form';
import { PagedTable } from '../components/paged-table';
import { Badge, ErrorBanner, Loaded, Page, TableWrap, Time, ui } from '../components/ui';
import { api, get, query } from '../lib/api';
import { formatCount } from '../lib/format';
import type { Page as ApiPage, Delivery, QueueHealth } from '../lib/types';

const route = getRouteApi('/app/deliveries');
const STATUS_OPTIONS = ['pending', 'in_flight', 'succeeded', 'failed', 'held', 'cancelled'].map((s) => ({
  value: s,
  label: s,
}));

export function DeliveriesScreen() {
  const search = route.useSearch();
  const params = {
    status: search.status,
    publisherId: search.publisherId,
    postbackId: search.postbackId,
    conversionId: search.conversionId,
    from: localTimeMs(search.from),
    to: localTimeMs(search.to),
    cursor: search.cursor,
    limit: 50,
  };
  const list = useQuery({
    queryKey: ['deliveries', 'list', params],
    queryFn: () => get<ApiPage<Delivery>>(`/deliveries${query(params)}`),
    placeholderData: keepPreviousData,
  });
  const columns: Column<Delivery>[] = [
    {
      header: 'Created',
      accessorKey: 'createdAt',
      cell: (c) => (
        <Link to="/deliveries/$deliveryId" params={{ deliveryId: c.row.original.id }}>
          <Time ms={c.row.original.createdAt} />
        </Link>
      ),
    },
    { header: 'Status', accessorKey: 'status', cell: (c) => <Badge status={c.row.original.status} /> },
    { header: 'Postback', accessorKey: 'postbackId', meta: { numeric: true } },
    { header: 'Publisher', accessorKey: 'publisherId', meta: { numeric: true } },
    { header: 'Attempts', accessorKey: 'attempts', meta: { numeric: true } },
    {
      header: 'Last answer',
      accessorKey: 'lastStatusCode',
      cell: (c) => c.row.original.lastStatusCode ?? c.row.original.lastError ?? '—',
    },
    {
      header: 'Conversion',
      accessorKey: 'conversionId',
      cell: (c) => (
        <Link to="/conversions/$conversionId" params={{ conversionId: c.row.original.conversionId }}>
          <span className={ui.mono}>{c.row.original.conversionId}</span>
        </Link>
      ),
    },
  ];
  return (
    <Page
      title="Deliveries"
      lede="Every postback owed to a publisher or tracker, how its attempts went, and the queue."
    >
      <QueueHealthCard />
      <BulkResend />
      <FilterForm
        label="Filter deliveries"
        values={search}
        fields={[
          { name: 'status', label: 'Status', options: STATUS_OPTIONS },
          { name: 'postbackId', label: 'Postback id' },
          { name: 'publisherId', label: 'Publisher id' },
          { name: 'conversionId', label: 'Conversion id' },
          ...TIME_FIELDS,
        ]}
      />
      <PagedTable
        list={list}
        what="Deliveries"
        caption="Deliveries"
        columns={columns}
        none="No deliveries match"
        search={search}
      />
    </Page>
  );
}

function QueueHealthCard() {
  const health = useQuery({
    queryKey: ['deliveries', 'health'],
    queryFn: () => get<QueueHealth>('/deliveries/health'),
    refetchInterval: 5000,
  });
  return (
    <section className={`${ui.card} ${ui.stack}`} aria-labelledby="health-title">
      <h2 id="health-title">Queue health</h2>
      <Loaded query={health} what="Queue health could not be loaded">
        {(h) => (
          <>
            <dl className={ui.dl}>
              <dt>Pending</dt>
              <dd>{formatCount(h.pending)}</dd>
              <dt>Held (endpoint disabled)</dt>
              <dd>{formatCount(h.held)}</dd>
              <dt>Failed</dt>
              <dd>{formatCount(h.failed)}</dd>
              <dt>Oldest pending</dt>
              <dd>
                {h.oldestPendingAgeMs === null
                  ? 'none waiting'
                  : `${formatDuration(h.oldestPendingAgeMs)} old`}
              </dd>
            </dl>
            {h.failingEndpoints.length === 0 ? (
              <p className={ui.help}>No endpoint is failing.</p>
            ) : (
              <TableWrap label="Failing endpoints">
                <table className={ui.table}>
                  <caption>Failing endpoints</caption>
                  <thead>
                    <tr>
                      <th>Postback</th>
                      <th>State</th>
                      <th className={ui.num}>Failures in a row</th>
                      <th>Last failure</th>
                      <th>Last success</th>
                    </tr>
                  </thead>
                  <tbody>
                    {h.failingEndpoints.map((e) => (
                      <tr key={e.postbackId}>
                        <td>
                          <Link to="/postbacks/$postbackId" params={{ postbackId: String(e.postbackId) }}>
                            #{e.postbackId}
                          </Link>{' '}
                          (publisher #{e.publisherId})
                        </td>
                        <td>
                          <Badge status={e.state === 'disabled' ? 'held' : 'failed'} />
                          {e.disabledReason ? ` ${e.disabledReason}` : ''}
                        </td>
                        <td className={ui.num}>{e.failureStreak}</td>
                        <td>
                          <Time ms={e.lastFailureAt} />
                        </td>
                        <td>
                          <Time ms={e.lastSuccessAt} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}

function BulkResend() {
  const id = useId();
  const queryClient = useQueryClient();
  const resend = useMutation({
    mutationFn: (body: { postbackId: number; since: number }) =>
      api<{ requeued: number }>('POST', '/deliveries/resend', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['deliveries'] }),
  });
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const since = localTimeMs(String(data.get('since') ?? ''));
    resend.mutate({ postbackId: Number(data.get('postbackId')), since: since ?? 0 });
  }
  return (
    <section className={`${ui.card} ${ui.stack}`} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Resend failed deliveries</h2>
      <p className={ui.help}>
        Puts a postback's failed deliveries created since a time back in the queue. Running it twice requeues
        nothing more.
      </p>
      <form onSubmit={submit} className={ui.row} style={{ alignItems: 'flex-end', flexWrap: 'wrap' }}>
        <div className={ui.field}>
          <label className={ui.label} htmlFor={`${id}-pb`}>
            Postback id
          </label>
          <input
            id={`${id}-pb`}
            name="postbackId"
            className={ui.input}
            inputMode="numeric"
            required
            pattern="\d+"
          />
        </div>
        <div className={ui.field}>
          <label className={ui.label} htmlFor={`${id}-since`}>
            Failed since
          </label>
          <input id={`${id}-since`} name="since" type="datetime-local" className={ui.input} />
        </div>
        <button type="submit" className={`${ui.button} ${ui.primary}`} disabled={resend.isPending}>
          Resend failed
        </button>
      </form>
      {resend.data && (
        <p role="status" className={`${ui.banner} ${ui.bannerOk}`}>
          {resend.data.requeued === 0
            ? 'No failed delivery to requeue.'
            : `${formatCount(resend.data.requeued)} failed deliveries requeued.`}
        </p>
      )}
      {resend.error && <ErrorBanner error={resend.error} what="Could not requeue" />}
    </section>
  );
}
