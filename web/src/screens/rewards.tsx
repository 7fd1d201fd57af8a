// Rewards user lookup: a publisher's user id → its points balance and ledger, newest first, each
// entry linking to the conversion that wrote it. Admin picks the publisher; a publisher sees its own.
import { useInfiniteQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { ErrorBanner, Page, Skeleton, TableWrap, Time, ui } from '../components/ui';
import { get, query } from '../lib/api';
import { usePublisherChoices } from '../lib/queries';

const appRoute = getRouteApi('/app');

interface LedgerEntry {
  id: number;
  kind: string;
  points: number;
  balanceAfter: number;
  conversionId: string | null;
  status: string | null;
  flagged: boolean;
  reason: string | null;
  createdAt: number;
}
interface Ledger {
  userId: string;
  balance: number;
  entries: LedgerEntry[];
  nextCursor: string | null;
}

export function RewardsScreen() {
  const { user } = appRoute.useRouteContext();
  const admin = user.role === 'admin';
  const publishers = usePublisherChoices(admin);
  const [publisherId, setPublisherId] = useState(admin ? '' : String(user.publisherId ?? ''));
  const [userId, setUserId] = useState('');
  const [lookup, setLookup] = useState<{ publisherId: string; userId: string } | undefined>();
  const ledger = useInfiniteQuery({
    queryKey: ['rewards', lookup],
    enabled: lookup !== undefined,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      get<Ledger>(
        `/publishers/${lookup?.publisherId}/rewards/users/${encodeURIComponent(lookup?.userId ?? '')}${query({ cursor: pageParam, limit: 50 })}`,
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (publisherId && userId.trim()) setLookup({ publisherId, userId: userId.trim() });
  };
  const first = ledger.data?.pages[0];
  const entries = ledger.data?.pages.flatMap((p) => p.entries) ?? [];
  return (
    <Page title="Rewards" lede="A user's points balance and every ledger entry, newest first.">
      <form className={ui.row} aria-label="Find a rewards user" onSubmit={submit}>
        {admin ? (
          <label className={ui.label}>
            Publisher
            <select className={ui.input} value={publisherId} onChange={(e) => setPublisherId(e.target.value)}>
              <option value="">Choose…</option>
              {publishers.data?.data.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} (#{p.id})
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label className={ui.label}>
          User id
          <input
            className={ui.input}
            value={userId}
            maxLength={200}
            onChange={(e) => setUserId(e.target.value)}
          />
        </label>
        <button
          type="submit"
          className={`${ui.button} ${ui.primary}`}
          disabled={!publisherId || !userId.trim()}
        >
          Look up
        </button>
      </form>
      {ledger.error ? (
        <ErrorBanner error={ledger.error} what="The ledger" onRetry={() => ledger.refetch()} />
      ) : null}
      {lookup && ledger.isPending ? <Skeleton /> : null}
      {first ? (
        <div className={ui.stack}>
          <p>
            Balance of <span className={ui.mono}>{first.userId}</span>: <strong>{first.balance}</strong>{' '}
            points
          </p>
          {entries.length === 0 ? (
            <p className={ui.help}>No ledger entries for this user.</p>
          ) : (
            <TableWrap label="Ledger">
              <table className={ui.table}>
                <caption className="visually-hidden">Ledger</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Points</th>
                    <th scope="col">Balance after</th>
                    <th scope="col">Conversion</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {entries.map((e) => (
                    <tr key={e.id}>
                      <td>
                        <Time ms={e.createdAt} />
                      </td>
                      <td>
                        {e.kind}
                        {e.flagged ? ' (flagged)' : ''}
                      </td>
                      <td className={ui.num}>{e.points}</td>
                      <td className={ui.num}>{e.balanceAfter}</td>
                      <td className={ui.mono}>
                        {e.conversionId ? (
                          <Link to="/conversions/$conversionId" params={{ conversionId: e.conversionId }}>
                            {e.conversionId}
                          </Link>
                        ) : (
                          '—'
                        )}
                        {e.status ? ` (${e.status})` : ''}
                      </td>
                      <td>{e.reason ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
          {ledger.hasNextPage ? (
            <button
              type="button"
              className={ui.button}
              disabled={ledger.isFetchingNextPage}
              onClick={() => ledger.fetchNextPage()}
            >
              Older entries
            </button>
          ) : null}
        </div>
      ) : null}
    </Page>
  );
}
