// Inbound hits: every postback an advertiser sent us, with its result and, in plain words, what it
// means and what to do. The first page refreshes itself so new hits appear without reloading.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { type FilterField, FilterForm, idOptions, localTimeMs, TIME_FIELDS } from '../components/filter-form';
import { Pager } from '../components/pager';
import { Badge, Loaded, Page, TableWrap, Time, ui } from '../components/ui';
import { get, query } from '../lib/api';
import { relativeTime } from '../lib/format';
import { useAdvertiserChoices } from '../lib/queries';
import type { Page as ApiPage, InboundCodeInfo, InboundHit } from '../lib/types';

const route = getRouteApi('/app/inbound-hits');
const appRoute = getRouteApi('/app');
/** How often the first page asks for new hits. */
const LIVE_MS = 3000;

export function InboundHitsScreen() {
  const search = route.useSearch();
  const { user } = appRoute.useRouteContext();
  const advertisers = useAdvertiserChoices(user.role === 'admin');
  const codes = useQuery({
    queryKey: ['postback-log', 'codes'],
    queryFn: () => get<{ data: InboundCodeInfo[] }>('/postback-log/codes'),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const params = {
    advertiserId: search.advertiserId,
    result: search.result,
    code: search.code,
    clickId: search.clickId,
    txnId: search.txnId,
    from: localTimeMs(search.from),
    to: localTimeMs(search.to),
    cursor: search.cursor,
    limit: 50,
  };
  const live = search.cursor === undefined;
  const list = useQuery({
    queryKey: ['postback-log', params],
    queryFn: () => get<ApiPage<InboundHit>>(`/postback-log${query(params)}`),
    placeholderData: keepPreviousData,
    refetchInterval: live ? LIVE_MS : false,
  });
  const fields: FilterField[] = [
    ...(user.role === 'admin'
      ? [{ name: 'advertiserId', label: 'Advertiser', options: idOptions(advertisers.data?.data) }]
      : []),
    {
      name: 'result',
      label: 'Result',
      options: ['accepted', 'duplicate', 'rejected'].map((r) => ({ value: r, label: r })),
    },
    {
      name: 'code',
      label: 'Result code',
      options: (codes.data?.data ?? []).map((c) => ({ value: c.code, label: c.code })),
    },
    { name: 'clickId', label: 'Click id' },
    { name: 'txnId', label: 'Txn id' },
    ...TIME_FIELDS,
  ];
  return (
    <Page
      title="Inbound hits"
      lede="Every postback hit received from advertisers, what it did, and what to fix when it was refused."
    >
      <FilterForm label="Filter hits" fields={fields} values={search} />
      {live && <p className={ui.help}>New hits appear here as they arrive.</p>}
      <Loaded query={list} what="Inbound hits could not be loaded">
        {(page) => (
          <>
            {page.data.length === 0 ? (
              <div className={`${ui.card} ${ui.empty}`}>
                <p>
                  No hits match. An advertiser's postback URL is on its page under Advertisers; every hit it
                  sends appears here, accepted or not.
                </p>
              </div>
            ) : (
              <ol aria-label="Hits" className={ui.stack} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                {page.data.map((hit) => (
                  <HitCard key={hit.id} hit={hit} />
                ))}
              </ol>
            )}
            <Pager
              cursor={search.cursor}
              trail={search.trail}
              nextCursor={page.nextCursor}
              count={page.data.length}
            />
          </>
        )}
      </Loaded>
      <CodeTable codes={codes.data?.data} />
    </Page>
  );
}

/** One hit; `level` is its heading's level where it sits (2 on this screen, 3 inside a section). */
export function HitCard(props: { hit: InboundHit; level?: 2 | 3 }) {
  const h = props.hit;
  const titleId = `hit-${h.id}`;
  const H = props.level === 3 ? 'h3' : 'h2';
  return (
    <li>
      <article className={`${ui.card} ${ui.stack}`} aria-labelledby={titleId} style={{ gap: '0.5rem' }}>
        <H id={titleId} style={{ fontSize: '1rem', margin: 0 }}>
          <Badge status={h.result} /> <span className={ui.mono}>{h.code}</span> · HTTP {h.httpStatus} ·{' '}
          <span title={new Date(h.receivedAt).toISOString()}>{relativeTime(h.receivedAt)}</span>
        </H>
        <p className={`${ui.mono}`} style={{ margin: 0, overflowWrap: 'anywhere' }}>
          {h.method} {h.url}
        </p>
        <div
          className={`${ui.banner} ${h.result === 'rejected' ? ui.bannerWarn : ui.bannerOk}`}
          role="note"
          aria-label={`What ${h.code} means`}
        >
          <p style={{ margin: 0 }}>
            <strong>What it means:</strong> {h.meaning}
          </p>
          <p style={{ margin: 0 }}>
            <strong>What to do:</strong> {h.action}
          </p>
        </div>
        <dl className={ui.dl}>
          <dt>Received</dt>
          <dd>
            <Time ms={h.receivedAt} />
          </dd>
          <dt>Source IP</dt>
          <dd className={ui.mono}>
            {h.ip ?? '—'} ({h.scheme}
            {h.insecure ? ', not HTTPS' : ''})
          </dd>
          <dt>Advertiser</dt>
          <dd>{h.advertiserId ? `#${h.advertiserId}` : 'not identified'}</dd>
          <dt>Click id</dt>
          <dd className={ui.mono}>{h.clickId ?? '—'}</dd>
          <dt>Txn id</dt>
          <dd className={ui.mono}>{h.txnId ?? '—'}</dd>
          {h.conversionId && (
            <>
              <dt>Conversion</dt>
              <dd>
                <Link to="/conversions/$conversionId" params={{ conversionId: h.conversionId }}>
                  {h.conversionId}
                </Link>
              </dd>
            </>
          )}
        </dl>
        <details>
          <summary>Body and headers</summary>
          <h3>Body</h3>
          <pre className={ui.pre}>{h.body ?? '(none)'}</pre>
          <h3>Headers</h3>
          <pre className={ui.pre}>{JSON.stringify(h.headers, null, 2)}</pre>
        </details>
      </article>
    </li>
  );
}

function CodeTable(props: { codes: InboundCodeInfo[] | undefined }) {
  if (!props.codes) return null;
  return (
    <details className={ui.card}>
      <summary>Every result code explained</summary>
      <TableWrap label="Result codes">
        <table className={ui.table}>
          <caption className="visually-hidden">Result codes</caption>
          <thead>
            <tr>
              <th>Code</th>
              <th className={ui.num}>HTTP</th>
              <th>Meaning</th>
              <th>What to do</th>
            </tr>
          </thead>
          <tbody>
            {props.codes.map((c) => (
              <tr key={c.code}>
                <td className={ui.mono}>{c.code}</td>
                <td className={ui.num}>{c.httpStatus}</td>
                <td>{c.meaning}</td>
                <td>{c.action}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </details>
  );
}
