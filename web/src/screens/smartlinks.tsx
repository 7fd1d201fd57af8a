// SmartLinks: one tracking link that sends each visitor to the offer that fits. The list, the
// editor (rules in order, offers with weights, fallback URL) and the "which offer would this visitor
// get" tester, which asks the server's own resolver.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { type Column, DataTable } from '../components/data-table';
import { emptyRule, type RuleDraft, RulesEditor, ruleBody, toRuleDraft } from '../components/smartlink-rules';
import { ErrorBanner, Field, Loaded, Page, UrlBox, ui } from '../components/ui';
import { api, get, plainMessage } from '../lib/api';
import { useCappedOffers } from '../lib/caps';
import { usePublisherChoices } from '../lib/queries';
import type {
  Page as ApiPage,
  Offer,
  SmartLink,
  SmartLinkTestResult,
  Link as TrackingLink,
} from '../lib/types';

const editRoute = getRouteApi('/app/smartlinks/$smartlinkId');

const useOfferChoices = () =>
  useQuery({ queryKey: ['offers', 'choices'], queryFn: () => get<ApiPage<Offer>>('/offers?limit=500') });

export function SmartLinksScreen() {
  const list = useQuery({
    queryKey: ['smartlinks'],
    queryFn: () => get<ApiPage<SmartLink>>('/smartlinks?limit=500'),
  });
  const columns: Column<SmartLink>[] = [
    {
      header: 'Name',
      accessorKey: 'name',
      cell: (c) => (
        <Link to="/smartlinks/$smartlinkId" params={{ smartlinkId: String(c.row.original.id) }}>
          {c.row.original.name}
        </Link>
      ),
    },
    { header: 'ID', accessorKey: 'id', meta: { numeric: true } },
    { header: 'Rules', cell: (c) => c.row.original.rules.length, meta: { numeric: true } },
    { header: 'Auto-optimised', cell: (c) => (c.row.original.autoOptimize ? 'yes' : 'no') },
  ];
  return (
    <Page
      title="SmartLinks"
      lede="One link that sends each visitor to the offer that fits: rules by country, device, OS, browser and language."
      actions={
        <Link to="/smartlinks/new" className={`${ui.button} ${ui.primary}`}>
          New SmartLink
        </Link>
      }
    >
      <Loaded query={list} what="SmartLinks could not be loaded">
        {(page) => (
          <DataTable
            caption="SmartLinks"
            columns={columns}
            data={page.data}
            empty={
              <p>
                No SmartLinks yet. A SmartLink routes each click by rules you set; start with “New SmartLink”.
              </p>
            }
          />
        )}
      </Loaded>
    </Page>
  );
}

export function NewSmartLinkScreen() {
  return (
    <Page
      title="New SmartLink"
      lede="Rules are tried in order; the first that fits the visitor and has an offer chooses."
    >
      <SmartLinkForm />
    </Page>
  );
}

export function SmartLinkScreen() {
  const { smartlinkId } = editRoute.useParams();
  const smartlink = useQuery({
    queryKey: ['smartlinks', smartlinkId],
    queryFn: () => get<SmartLink>(`/smartlinks/${smartlinkId}`),
  });
  return (
    <Page
      title={smartlink.data ? `SmartLink: ${smartlink.data.name}` : 'SmartLink'}
      lede="Rules are tried in order; the first that fits the visitor and has an offer chooses."
    >
      <Loaded query={smartlink} what="The SmartLink could not be loaded">
        {(data) => (
          <>
            <SmartLinkForm key={data.id} initial={data} />
            <SmartLinkTester smartlink={data} />
            <SmartLinkTrackingLink smartlink={data} />
          </>
        )}
      </Loaded>
    </Page>
  );
}

function SmartLinkForm(props: { initial?: SmartLink }) {
  const { initial } = props;
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const offers = useOfferChoices();
  const capped = useCappedOffers(true);
  const [name, setName] = useState(initial?.name ?? '');
  const [fallbackUrl, setFallbackUrl] = useState(initial?.fallbackUrl ?? '');
  const [autoOptimize, setAutoOptimize] = useState(initial?.autoOptimize ?? false);
  const [rules, setRules] = useState<RuleDraft[]>(() =>
    initial ? initial.rules.map(toRuleDraft) : [emptyRule()],
  );
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: () => {
      const body = { name, fallbackUrl, autoOptimize, rules: rules.map(ruleBody) };
      return initial
        ? api<SmartLink>('PATCH', `/smartlinks/${initial.id}`, body)
        : api<SmartLink>('POST', '/smartlinks', body);
    },
    onSuccess: async (smartlink) => {
      // New rules now have ids: keep them, so saving again does not number them anew.
      setRules(smartlink.rules.map(toRuleDraft));
      setSaved(true);
      await queryClient.invalidateQueries({ queryKey: ['smartlinks'] });
      if (!initial)
        await navigate({ to: '/smartlinks/$smartlinkId', params: { smartlinkId: String(smartlink.id) } });
    },
    onError: (e) => setError(plainMessage(e)),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const missing = rules.findIndex((r) => r.offers.some((o) => !o.offerId));
    if (missing >= 0)
      return setError(`Rule ${missing + 1}: choose an offer for every row, or remove the row.`);
    setError(null);
    save.mutate();
  }
  return (
    <form className={ui.stack} onSubmit={submit} noValidate>
      <div className={`${ui.card} ${ui.formGrid}`}>
        <Field label="Name">
          {(p) => (
            <input {...p} className={ui.input} value={name} onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
        <Field
          label="Fallback URL"
          help="Where visitors go when no rule has an offer for them. Click macros such as {click_id} are filled."
        >
          {(p) => (
            <input
              {...p}
              className={ui.input}
              value={fallbackUrl}
              placeholder="https://"
              onChange={(e) => setFallbackUrl(e.target.value)}
            />
          )}
        </Field>
        <label className={ui.row}>
          <input type="checkbox" checked={autoOptimize} onChange={(e) => setAutoOptimize(e.target.checked)} />
          Auto-optimise: weights follow each offer’s EPC over the last {initial?.optimizeWindowHours ?? 24}{' '}
          hours
        </label>
      </div>
      <h2>Rules</h2>
      <Loaded query={offers} what="Offers could not be loaded">
        {(page) => {
          // A capped offer keeps its place in the rules; clicks skip it until its cap opens again.
          const withCaps = page.data.map((o) => {
            const cap = capped.statusOf(o.id);
            return cap ? { ...o, name: `${o.name} (${cap})` } : o;
          });
          const inRules = new Set(rules.flatMap((r) => r.offers.map((d) => d.offerId)));
          const cappedInRules = withCaps.filter(
            (o) => capped.statusOf(o.id) !== null && inRules.has(String(o.id)),
          );
          return (
            <>
              {cappedInRules.length > 0 && (
                <p className={`${ui.banner} ${ui.bannerWarn}`} role="status">
                  Skipped while their cap is reached: {cappedInRules.map((o) => o.name).join(', ')}.
                </p>
              )}
              <RulesEditor rules={rules} offers={withCaps} onChange={setRules} />
            </>
          );
        }}
      </Loaded>
      {error && <ErrorBanner error={new Error(error)} />}
      {saved && !save.isPending && (
        <p className={`${ui.banner} ${ui.bannerOk}`} role="status">
          SmartLink saved. Clicks follow the new rules from now on.
        </p>
      )}
      <div>
        <button type="submit" className={`${ui.button} ${ui.primary}`} disabled={save.isPending}>
          Save SmartLink
        </button>
      </div>
    </form>
  );
}

function SmartLinkTester(props: { smartlink: SmartLink }) {
  const offers = useOfferChoices();
  const [country, setCountry] = useState('');
  const [device, setDevice] = useState('');
  const [os, setOs] = useState('');
  const test = useMutation({
    mutationFn: () =>
      api<SmartLinkTestResult>('POST', `/smartlinks/${props.smartlink.id}/test`, {
        ...(country.trim() && { country: country.trim() }),
        ...(device && { device }),
        ...(os.trim() && { os: os.trim() }),
      }),
  });
  const offerName = (id: number | null) => offers.data?.data.find((o) => o.id === id)?.name ?? `Offer #${id}`;
  const result = test.data;
  return (
    <form
      className={`${ui.card} ${ui.stack}`}
      onSubmit={(e) => {
        e.preventDefault();
        test.mutate();
      }}
    >
      <h2>Which offer would this visitor get?</h2>
      <p className={ui.help}>
        Uses the saved rules and the same resolver as the tracking link; nothing is recorded.
      </p>
      <div className={ui.formGrid}>
        <Field label="Visitor country" help="Two letters, e.g. US.">
          {(p) => (
            <input
              {...p}
              className={ui.input}
              value={country}
              maxLength={2}
              onChange={(e) => setCountry(e.target.value)}
            />
          )}
        </Field>
        <Field label="Visitor device">
          {(p) => (
            <select {...p} className={ui.input} value={device} onChange={(e) => setDevice(e.target.value)}>
              <option value="">Unknown</option>
              <option value="desktop">desktop</option>
              <option value="mobile">mobile</option>
              <option value="tablet">tablet</option>
            </select>
          )}
        </Field>
        <Field label="Visitor OS" help="As detected: iOS, Android, Windows, Mac OS…">
          {(p) => <input {...p} className={ui.input} value={os} onChange={(e) => setOs(e.target.value)} />}
        </Field>
      </div>
      <div>
        <button type="submit" className={ui.button} disabled={test.isPending}>
          Find the offer
        </button>
      </div>
      {test.error && <ErrorBanner error={test.error} />}
      <div role="status" aria-live="polite">
        {result?.result === 'offer' && (
          <p>
            <strong>{offerName(result.offerId)}</strong> by rule “{result.ruleName}”
            {result.candidates.length > 1 &&
              ` (rotation: ${result.candidates.map((c) => `${offerName(c.offerId)} ${(c.share * 100).toFixed(1)} %`).join(', ')})`}
          </p>
        )}
        {result?.result === 'fallback' && (
          <p>
            No rule fits: <strong>fallback URL</strong> <code>{result.fallbackUrl}</code>
          </p>
        )}
      </div>
    </form>
  );
}

function SmartLinkTrackingLink(props: { smartlink: SmartLink }) {
  const publishers = usePublisherChoices();
  const [publisherId, setPublisherId] = useState('');
  const create = useMutation({
    mutationFn: () =>
      api<TrackingLink>('POST', '/links', {
        smartlinkId: props.smartlink.id,
        publisherId: Number(publisherId),
      }),
  });
  return (
    <form
      className={`${ui.card} ${ui.stack}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (publisherId) create.mutate();
      }}
    >
      <h2>Tracking link for a publisher</h2>
      <Field label="Publisher">
        {(p) => (
          <select
            {...p}
            className={ui.input}
            value={publisherId}
            onChange={(e) => setPublisherId(e.target.value)}
          >
            <option value="">Choose a publisher…</option>
            {publishers.data?.data.map((pub) => (
              <option key={pub.id} value={pub.id}>
                {pub.name} (#{pub.id})
              </option>
            ))}
          </select>
        )}
      </Field>
      <div>
        <button type="submit" className={ui.button} disabled={!publisherId || create.isPending}>
          Create tracking link
        </button>
      </div>
      {create.error && <ErrorBanner error={create.error} />}
      {create.data && <UrlBox url={create.data.url} label="SmartLink tracking link" />}
    </form>
  );
}
