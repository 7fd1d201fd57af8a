// Create or edit an offer: advertiser, name, destination URL (with the macro picker), money, goals.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { MacroField } from '../components/macro-field';
import { Field, Page, ui } from '../components/ui';
import { ApiError, api, plainMessage } from '../lib/api';
import { useAdvertiserChoices } from '../lib/queries';
import type { Offer } from '../lib/types';
import { usePreview } from '../lib/use-preview';

interface GoalRow {
  key: string;
  name: string;
  payout: string;
  revenue: string;
}

const toAmount = (text: string) => (text.trim() === '' ? null : Number(text));
const GOAL_KEY = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function OfferForm(props: { offer?: Offer; advertiserId?: number; onSaved: (offer: Offer) => void }) {
  const queryClient = useQueryClient();
  const advertisers = useAdvertiserChoices();
  const o = props.offer;
  const [advertiserId, setAdvertiserId] = useState(String(o?.advertiserId ?? props.advertiserId ?? ''));
  const [name, setName] = useState(o?.name ?? '');
  const [url, setUrl] = useState(o?.url ?? 'https://');
  const [payout, setPayout] = useState(String(o?.payout ?? '0'));
  const [revenue, setRevenue] = useState(String(o?.revenue ?? '0'));
  const [currency, setCurrency] = useState(o?.currency ?? 'USD');
  const [lifetime, setLifetime] = useState(String(o?.clickLifetimeDays ?? 30));
  const [uniqueWindow, setUniqueWindow] = useState(String(o?.uniqueWindowHours ?? 24));
  const [duplicates, setDuplicates] = useState(o?.allowDuplicates ?? false);
  const [goals, setGoals] = useState<GoalRow[]>(
    (o?.goals ?? []).map((g) => ({
      key: g.key,
      name: g.name,
      payout: g.payout === null ? '' : String(g.payout),
      revenue: g.revenue === null || g.revenue === undefined ? '' : String(g.revenue),
    })),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const preview = usePreview({ url });
  const urlError = /^https?:\/\/\S+$/.test(url)
    ? null
    : 'The destination URL must start with http:// or https://.';

  const save = useMutation({
    mutationFn: () => {
      const body = {
        ...(o ? {} : { advertiserId: Number(advertiserId) }),
        name,
        url,
        payout: Number(payout),
        revenue: Number(revenue),
        currency,
        clickLifetimeDays: Number(lifetime),
        uniqueWindowHours: Number(uniqueWindow),
        allowDuplicates: duplicates,
        goals: goals.map((g) => ({
          key: g.key,
          name: g.name,
          payout: toAmount(g.payout),
          revenue: toAmount(g.revenue),
        })),
      };
      return o ? api<Offer>('PATCH', `/offers/${o.id}`, body) : api<Offer>('POST', '/offers', body);
    },
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ['offers'] });
      props.onSaved(saved);
    },
    onError: (error) => {
      const field = error instanceof ApiError && error.field ? error.field : 'form';
      setErrors({ [field.startsWith('goals') ? 'goals' : field]: plainMessage(error) });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!o && !advertiserId) found.advertiserId = 'Choose the advertiser who pays for this offer.';
    if (!name.trim()) found.name = 'Give the offer a name.';
    if (urlError) found.url = urlError;
    const badGoal = goals.find((g) => !GOAL_KEY.test(g.key) || !g.name.trim());
    if (badGoal) found.goals = 'Each goal needs a key (lowercase letters, digits, _ and -) and a name.';
    setErrors(found);
    if (Object.keys(found).length === 0) save.mutate();
  }

  const setGoal = (i: number, patch: Partial<GoalRow>) =>
    setGoals(goals.map((g, j) => (j === i ? { ...g, ...patch } : g)));

  return (
    <form className={`${ui.card} ${ui.stack}`} onSubmit={submit} noValidate>
      <div className={ui.formGrid}>
        {!o && (
          <Field label="Advertiser" error={errors.advertiserId}>
            {(p) => (
              <select
                {...p}
                className={ui.input}
                value={advertiserId}
                onChange={(e) => setAdvertiserId(e.target.value)}
              >
                <option value="">Choose…</option>
                {(advertisers.data?.data ?? []).map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name} (#{a.id})
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label="Offer name" error={errors.name}>
          {(p) => (
            <input {...p} className={ui.input} value={name} onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
      </div>
      <MacroField
        label="Destination URL"
        value={url}
        onChange={setUrl}
        help="Where a click lands. Macros such as {click_id} and {sub1} are filled in for each click."
        error={errors.url ?? (url !== 'https://' ? urlError : null)}
        unknown={preview.data?.unknownMacros.filter((u) => u.field === 'url')}
      />
      <div className={ui.formGrid}>
        <Field label="Payout" help="What the publisher earns per conversion." error={errors.payout}>
          {(p) => (
            <input
              {...p}
              className={ui.input}
              inputMode="decimal"
              value={payout}
              onChange={(e) => setPayout(e.target.value)}
            />
          )}
        </Field>
        <Field label="Revenue" help="What the advertiser pays you per conversion." error={errors.revenue}>
          {(p) => (
            <input
              {...p}
              className={ui.input}
              inputMode="decimal"
              value={revenue}
              onChange={(e) => setRevenue(e.target.value)}
            />
          )}
        </Field>
        <Field label="Currency" error={errors.currency}>
          {(p) => (
            <input
              {...p}
              className={ui.input}
              maxLength={3}
              value={currency}
              onChange={(e) => setCurrency(e.target.value.toUpperCase())}
            />
          )}
        </Field>
        <Field
          label="Click lifetime (days)"
          help="Conversions later than this after the click are refused."
          error={errors.clickLifetimeDays}
        >
          {(p) => (
            <input
              {...p}
              className={ui.input}
              inputMode="numeric"
              value={lifetime}
              onChange={(e) => setLifetime(e.target.value)}
            />
          )}
        </Field>
        <Field
          label="Unique click window (hours)"
          help="A visitor's repeat click on the same link within this many hours is not unique."
          error={errors.uniqueWindowHours}
        >
          {(p) => (
            <input
              {...p}
              className={ui.input}
              inputMode="numeric"
              value={uniqueWindow}
              onChange={(e) => setUniqueWindow(e.target.value)}
            />
          )}
        </Field>
      </div>
      <div className={ui.row}>
        <input
          id="offer-dups"
          type="checkbox"
          checked={duplicates}
          onChange={(e) => setDuplicates(e.target.checked)}
        />
        <label htmlFor="offer-dups">
          Allow duplicate conversions from one click (without a transaction id)
        </label>
      </div>
      <fieldset className={ui.stack} style={{ border: 0, padding: 0, margin: 0 }}>
        <legend className={ui.label}>Goals</legend>
        <p className={ui.help}>
          Conversion events besides the default one (install, registration, purchase…), each with its own
          payout and revenue; empty amounts use the offer's.
        </p>
        {goals.map((g, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place
          <div key={i} className={ui.row}>
            <label className={ui.rowField}>
              <span className={ui.help}>Key</span>
              <input
                className={ui.input}
                style={{ maxWidth: '10rem' }}
                aria-label={`Goal ${i + 1} key`}
                placeholder="key"
                value={g.key}
                onChange={(e) => setGoal(i, { key: e.target.value })}
              />
            </label>
            <label className={ui.rowField}>
              <span className={ui.help}>Name</span>
              <input
                className={ui.input}
                style={{ maxWidth: '12rem' }}
                aria-label={`Goal ${i + 1} name`}
                placeholder="name"
                value={g.name}
                onChange={(e) => setGoal(i, { name: e.target.value })}
              />
            </label>
            <label className={ui.rowField}>
              <span className={ui.help}>Payout</span>
              <input
                className={ui.input}
                style={{ maxWidth: '7rem' }}
                aria-label={`Goal ${i + 1} payout`}
                placeholder="payout"
                inputMode="decimal"
                value={g.payout}
                onChange={(e) => setGoal(i, { payout: e.target.value })}
              />
            </label>
            <label className={ui.rowField}>
              <span className={ui.help}>Revenue</span>
              <input
                className={ui.input}
                style={{ maxWidth: '7rem' }}
                aria-label={`Goal ${i + 1} revenue`}
                placeholder="revenue"
                inputMode="decimal"
                value={g.revenue}
                onChange={(e) => setGoal(i, { revenue: e.target.value })}
              />
            </label>
            <button
              type="button"
              className={`${ui.button} ${ui.small}`}
              onClick={() => setGoals(goals.filter((_, j) => j !== i))}
            >
              Remove goal {i + 1}
            </button>
          </div>
        ))}
        {errors.goals && <p className={ui.error}>{errors.goals}</p>}
        <div>
          <button
            type="button"
            className={`${ui.button} ${ui.small}`}
            onClick={() => setGoals([...goals, { key: '', name: '', payout: '', revenue: '' }])}
          >
            Add goal
          </button>
        </div>
      </fieldset>
      {errors.form && (
        <p className={ui.error} role="alert">
          {errors.form}
        </p>
      )}
      <div>
        <button type="submit" className={`${ui.button} ${ui.primary}`} disabled={save.isPending}>
          {o ? 'Save offer' : 'Create offer'}
        </button>
      </div>
    </form>
  );
}

const newRoute = getRouteApi('/app/offers/new');

export function NewOfferScreen() {
  const { advertiserId } = newRoute.useSearch();
  const navigate = useNavigate();
  return (
    <Page title="New offer" lede="After saving you get its postback URLs and a test link.">
      <OfferForm
        advertiserId={advertiserId}
        onSaved={(o) => navigate({ to: '/offers/$offerId', params: { offerId: String(o.id) } })}
      />
    </Page>
  );
}
