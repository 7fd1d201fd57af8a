// The caps on an offer's page: each cap with what it has used this period, and the editor — scope,
// period, limit, what happens to conversions over it and where clicks go once it is reached.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ConfirmButton } from '../components/dialogs';
import { ErrorBanner, Loaded, TableWrap, ui } from '../components/ui';
import { api } from '../lib/api';
import { type Cap, useOfferCaps } from '../lib/caps';
import { usePublisherChoices } from '../lib/queries';

interface Draft {
  publisherId: string;
  period: Cap['period'];
  metric: Cap['metric'];
  limit: string;
  overAction: Cap['overAction'];
  clickAction: Cap['clickAction'];
  fallbackUrl: string;
}
const NEW: Draft = {
  publisherId: '',
  period: 'day',
  metric: 'conversions',
  limit: '100',
  overAction: 'hold',
  clickAction: 'offer',
  fallbackUrl: '',
};
const toDraft = (c: Cap): Draft => ({
  publisherId: c.publisherId === null ? '' : String(c.publisherId),
  period: c.period,
  metric: c.metric,
  limit: String(c.limit),
  overAction: c.overAction,
  clickAction: c.clickAction,
  fallbackUrl: c.fallbackUrl ?? '',
});
const PERIODS: Record<Cap['period'], string> = { day: 'Daily', month: 'Monthly', total: 'Total' };
const CLICKS: Record<Cap['clickAction'], string> = {
  offer: 'Keep sending to the offer',
  fallback: 'Redirect to the fallback URL',
};

function Select<V extends string>(props: {
  label: string;
  value: V;
  options: Record<V, string>;
  onChange: (v: V) => void;
}) {
  return (
    <label className={ui.label}>
      {props.label}
      <select className={ui.input} value={props.value} onChange={(e) => props.onChange(e.target.value as V)}>
        {Object.entries<string>(props.options).map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

export function OfferCaps(props: { offerId: number }) {
  const queryClient = useQueryClient();
  const caps = useOfferCaps(props.offerId);
  const publishers = usePublisherChoices();
  const [editing, setEditing] = useState<number | null>(null);
  const [draft, setDraft] = useState<Draft>(NEW);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['caps'] });
  const save = useMutation({
    mutationFn: (d: Draft) => {
      const fields = {
        period: d.period,
        metric: d.metric,
        limit: Number(d.limit),
        overAction: d.overAction,
        clickAction: d.clickAction,
        fallbackUrl: d.fallbackUrl.trim() || null,
      };
      return editing === null
        ? api('POST', `/offers/${props.offerId}/caps`, {
            ...fields,
            publisherId: d.publisherId ? Number(d.publisherId) : null,
          })
        : api('PATCH', `/offers/${props.offerId}/caps/${editing}`, fields);
    },
    onSuccess: () => {
      setEditing(null);
      setDraft(NEW);
      void refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (id: number) => api('DELETE', `/offers/${props.offerId}/caps/${id}`),
    onSuccess: () => void refresh(),
  });
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const publisherName = (id: number | null) =>
    id === null
      ? 'All publishers'
      : (publishers.data?.data.find((p) => p.id === id)?.name ?? `Publisher #${id}`);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(draft);
  };

  return (
    <section className={`${ui.card} ${ui.stack}`} aria-labelledby="caps-title">
      <h2 id="caps-title">Caps</h2>
      <p className={ui.help}>
        Days and months follow the operator’s time zone. Once a cap is reached, SmartLinks skip this offer; a
        plain tracking link keeps sending clicks to it or redirects them, as the cap says.
      </p>
      <Loaded query={caps} what="The caps could not be loaded">
        {(list) =>
          list.data.length === 0 ? (
            <p className={ui.help}>No caps: conversions and clicks are not limited.</p>
          ) : (
            <TableWrap label="Cap list">
              <table className={ui.table}>
                <thead>
                  <tr>
                    <th scope="col">Traffic</th>
                    <th scope="col">Period</th>
                    <th scope="col">Used</th>
                    <th scope="col">Conversions over it</th>
                    <th scope="col">Clicks over it</th>
                    <th scope="col">State</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.map((c) => (
                    <tr key={c.id}>
                      <td>{publisherName(c.publisherId)}</td>
                      <td>{`${PERIODS[c.period]} ${c.metric}`}</td>
                      <td className={ui.num}>{`${c.used} / ${c.limit}`}</td>
                      <td>{c.overAction === 'hold' ? 'Held for review' : 'Rejected'}</td>
                      <td>
                        {c.clickAction === 'fallback' ? (
                          <span className={ui.mono}>{c.fallbackUrl}</span>
                        ) : (
                          'Sent to the offer'
                        )}
                      </td>
                      <td>{c.reached ? <strong>Capped out</strong> : 'Open'}</td>
                      <td className={ui.row}>
                        <button
                          type="button"
                          className={`${ui.button} ${ui.small}`}
                          aria-label={`Edit cap ${c.id}`}
                          onClick={() => {
                            setEditing(c.id);
                            setDraft(toDraft(c));
                          }}
                        >
                          Edit
                        </button>
                        <ConfirmButton
                          label={`Delete cap ${c.id}`}
                          title="Delete this cap?"
                          description="Conversions and clicks of this traffic will no longer be limited by it."
                          confirmLabel="Delete cap"
                          danger
                          onConfirm={() => remove.mutate(c.id)}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )
        }
      </Loaded>
      <form
        className={ui.formGrid}
        aria-label={editing === null ? 'New cap' : `Edit cap ${editing}`}
        onSubmit={submit}
      >
        <label className={ui.label}>
          Traffic
          <select
            className={ui.input}
            value={draft.publisherId}
            disabled={editing !== null}
            onChange={(e) => set('publisherId', e.target.value)}
          >
            <option value="">All publishers</option>
            {publishers.data?.data.map((p) => (
              <option key={p.id} value={String(p.id)}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <Select label="Period" value={draft.period} options={PERIODS} onChange={(v) => set('period', v)} />
        <Select
          label="Counts"
          value={draft.metric}
          options={{ conversions: 'Conversions', payout: 'Payout' }}
          onChange={(v) => set('metric', v)}
        />
        <label className={ui.label}>
          Limit
          <input
            className={ui.input}
            type="number"
            min={0}
            step="any"
            required
            value={draft.limit}
            onChange={(e) => set('limit', e.target.value)}
          />
        </label>
        <Select
          label="Conversions over the cap"
          value={draft.overAction}
          options={{ hold: 'Hold for review', reject: 'Reject' }}
          onChange={(v) => set('overAction', v)}
        />
        <Select
          label="Clicks over the cap"
          value={draft.clickAction}
          options={CLICKS}
          onChange={(v) => set('clickAction', v)}
        />
        {draft.clickAction === 'fallback' && (
          <label className={ui.label}>
            Fallback URL
            <input
              className={ui.input}
              type="url"
              required
              placeholder="https://example.com/?c={click_id}"
              value={draft.fallbackUrl}
              onChange={(e) => set('fallbackUrl', e.target.value)}
            />
          </label>
        )}
        <div className={ui.row}>
          <button type="submit" className={`${ui.button} ${ui.primary}`} disabled={save.isPending}>
            {editing === null ? 'Add cap' : 'Save cap'}
          </button>
          {editing !== null && (
            <button
              type="button"
              className={ui.button}
              onClick={() => {
                setEditing(null);
                setDraft(NEW);
              }}
            >
              Cancel
            </button>
          )}
        </div>
      </form>
      {save.isSuccess ? <p role="status">Cap saved.</p> : null}
      {save.error ? <ErrorBanner error={save.error} what="The cap was not saved" /> : null}
      {remove.error ? <ErrorBanner error={remove.error} what="The cap was not deleted" /> : null}
    </section>
  );
}
