// Review queue: held conversions (pending and needing review) with the rule's reason code; the
// admin selects one or many and approves or rejects them with a reason.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { ErrorBanner, Loaded, Page, TableWrap, Time, ui } from '../components/ui';
import { api, get, query } from '../lib/api';
import { formatMoney } from '../lib/format';
import type { Page as ApiPage, ConversionDetail } from '../lib/types';

type Held = ConversionDetail & { reviewReason?: string | null };
interface ReviewAnswer {
  data: { conversionId: string; status?: string; error?: string }[];
}

export function ReviewQueueScreen() {
  const client = useQueryClient();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [reason, setReason] = useState('');
  const params = { status: 'pending', needsReview: true, limit: 100 };
  const list = useQuery({
    queryKey: ['conversions', 'review', params],
    queryFn: () => get<ApiPage<Held>>(`/conversions${query(params)}`),
  });
  const decide = useMutation({
    mutationFn: (status: 'approved' | 'rejected') =>
      api<ReviewAnswer>('POST', '/conversions/review', { conversionIds: [...selected], status, reason }),
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
        {(page) =>
          page.data.length === 0 ? (
            <p className={ui.help}>No conversions are waiting for review.</p>
          ) : (
            <div className={ui.stack}>
              <TableWrap label="Held conversions">
                <table className={ui.table}>
                  <caption className="visually-hidden">Held conversions</caption>
                  <thead>
                    <tr>
                      <th scope="col">
                        <input
                          type="checkbox"
                          aria-label="Select all"
                          checked={page.data.every((c) => selected.has(c.id))}
                          onChange={(e) =>
                            setSelected(e.target.checked ? new Set(page.data.map((c) => c.id)) : new Set())
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
                    {page.data.map((c) => (
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
                        <td className={ui.num}>{c.offerId}</td>
                        <td className={ui.num}>{c.publisherId}</td>
                        <td className={ui.num}>{formatMoney(c.payout, c.currency)}</td>
                        <td className={ui.mono}>{c.txnId ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
              {page.nextCursor ? (
                <p className={ui.help}>Showing the first {page.data.length}; decide these to see more.</p>
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
          )
        }
      </Loaded>
    </Page>
  );
}
