// Review queue: held conversions (pending and needing review) with the rule's reason code, newest
// first, a page at a time ("Load more") under the queue's total; the admin selects one or many,
// across every loaded page, and approves or rejects them with a reason.
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useState } from 'react';
import { ErrorBanner, Loaded, Page, TableWrap, Time, ui } from '../components/ui';
import { api, get, query } from '../lib/api';
import { formatCount, formatMoney } from '../lib/format';
import { useNameBook } from '../lib/report-names';
import type { Page as ApiPage, ConversionDetail } from '../lib/types';

const appRoute = getRouteApi('/app');
type Held = ConversionDetail & { reviewReason?: string | null };
type HeldPage = ApiPage<Held> & { total: number };
interface ReviewAnswer {
  data: { conversionId: string; status?: string; error?: string }[];
}
const PAGE_SIZE = 100;
/** Ids the API decides per request. */
const DECIDE_BATCH = 500;

export function ReviewQueueScreen() {
  const client = useQueryClient();
  const { user } = appRoute.useRouteContext();
  const names = useNameBook(['offer', 'publisher'], user.role);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [reason, setReason] = useState('');
  const list = useInfiniteQuery({
    queryKey: ['conversions', 'review'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      get<HeldPage>(`/conversions/review${query({ limit: PAGE_SIZE, cursor: pageParam })}`),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const decide = useMutation({
    mutationFn: async (status: 'approved' | 'rejected') => {
      const ids = [...selected];
      const data: ReviewAnswer['data'] = [];
      for (let i = 0; i < ids.length; i += DECIDE_BATCH) {
        const conversionIds = ids.slice(i, i + DECIDE_BATCH);
        data.push(
          ...(await api<ReviewAnswer>('POST', '/conversions/review', { conversionIds, status, reason })).data,
        );
      }
      return { data };
    },
    onSuccess: async () => {
      setSelected(new Set());
      setReason('');
      await client.invalidateQueries({ queryKey: ['conversions'] });
    },
  });
  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const failed = decide.data?.data.filter((r) => r.error) ?? [];
  const ready = selected.size > 0 && reason.trim() !== '' && !decide.isPending;
  return (
    <Page title="Review queue" lede="Conversions held by an inbound rule, waiting for a decision.">
      {decide.error ? <ErrorBanner error={decide.error} what="The decision" /> : null}
      {decide.data && failed.length === 0 ? (
        <p className={`${ui.banner} ${ui.bannerOk}`} role="status">
          {decide.data.data.length} conversion(s) decided.
        </p>
      ) : null}
      {failed.length > 0 ? (
        <p className={`${ui.banner} ${ui.bannerWarn}`} role="alert">
          Not changed: {failed.map((r) => `${r.conversionId} (${r.error})`).join(', ')}
        </p>
      ) : null}
      <Loaded query={list} what="The review queue">
        {(pages) => {
          const held = pages.pages.flatMap((p) => p.data);
          const total = pages.pages[0]?.total ?? 0;
          if (held.length === 0) return <p className={ui.help}>No conversions are waiting for review.</p>;
          return (
            <div className={ui.stack}>
              <p className={ui.help}>
                {formatCount(total)} held conversion(s); {formatCount(held.length)} loaded,{' '}
                {formatCount(selected.size)} selected.
              </p>
              <TableWrap label="Held conversions">
                <table className={ui.table}>
                  <caption className="visually-hidden">Held conversions</caption>
                  <thead>
                    <tr>
                      <th scope="col">
                        <input
                          type="checkbox"
                          aria-label="Select all loaded"
                          checked={held.every((c) => selected.has(c.id))}
                          onChange={(e) =>
                            setSelected(e.target.checked ? new Set(held.map((c) => c.id)) : new Set())
                          }
                        />
                      </th>
                      <th scope="col">When</th>
                      <th scope="col">Reason code</th>
                      <th scope="col">Offer</th>
                      <th scope="col">Publisher</th>
                      <th scope="col">Payout</th>
                      <th scope="col">Txn id</th>
                    </tr>
                  </thead>
                  <tbody>
                    {held.map((c) => (
                      <tr key={c.id}>
                        <td>
                          <input
                            type="checkbox"
                            aria-label={`Select ${c.id}`}
                            checked={selected.has(c.id)}
                            onChange={() => toggle(c.id)}
                          />
                        </td>
                        <td>
                          <Link to="/conversions/$conversionId" params={{ conversionId: c.id }}>
                            <Time ms={c.createdAt} />
                          </Link>
                        </td>
                        <td className={ui.mono}>{c.reviewReason ?? '—'}</td>
                        <td title={`#${c.offerId}`}>{names.labelOf('offer', c.offerId)}</td>
                        <td title={`#${c.publisherId}`}>{names.labelOf('publisher', c.publisherId)}</td>
                        <td className={ui.num}>{formatMoney(c.payout, c.currency)}</td>
                        <td className={ui.mono}>{c.txnId ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
              {list.hasNextPage ? (
                <button
                  type="button"
                  className={ui.button}
                  disabled={list.isFetchingNextPage}
                  onClick={() => list.fetchNextPage()}
                >
                  {list.isFetchingNextPage ? 'Loading…' : `Load ${PAGE_SIZE} more`}
                </button>
              ) : null}
              <form className={ui.row} aria-label="Decision" onSubmit={(e) => e.preventDefault()}>
                <label className={ui.label}>
                  Reason
                  <input
                    className={ui.input}
                    value={reason}
                    maxLength={500}
                    onChange={(e) => setReason(e.target.value)}
                  />
                </label>
                <button
                  type="button"
                  className={`${ui.button} ${ui.primary}`}
                  disabled={!ready}
                  onClick={() => decide.mutate('approved')}
                >
                  Approve {selected.size || ''}
                </button>
                <button
                  type="button"
                  className={ui.button}
                  disabled={!ready}
                  onClick={() => decide.mutate('rejected')}
                >
                  Reject {selected.size || ''}
                </button>
              </form>
            </div>
          );
        }}
      </Loaded>
    </Page>
  );
}
