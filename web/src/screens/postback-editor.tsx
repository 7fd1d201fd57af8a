// The postback editor: type Global or Local (offer, goal or link), the Postback URL with the macro
// picker and inline checks, status chips, method / body / headers, a live preview of the request;
// on a saved postback "Test conversion" and enable / disable (postback-tools.tsx).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import {
  DestinationFields,
  destinationBody,
  destinationDraft,
  KINDS,
} from '../components/destination-fields';
import { ConfirmButton, Switch } from '../components/dialogs';
import { MacroField } from '../components/macro-field';
import { PostbackBodyFields, radio } from '../components/postback-body-fields';
import { LedgerEventChips, StatusChips } from '../components/status-chips';
import { ErrorBanner, Field, Loaded, Page, ui } from '../components/ui';
import { ApiError, api, get, plainMessage, query } from '../lib/api';
import { useOffer, useOfferSearch, usePublisherChoices } from '../lib/queries';
import {
  type Page as ApiPage,
  LEDGER_EVENTS,
  type LedgerEvent,
  type Postback,
  type PostbackKind,
  STATUSES,
  type Status,
  type Link as TrackingLink,
} from '../lib/types';
import { usePreview } from '../lib/use-preview';
import { EnableControls, TestConversion } from './postback-tools';
import { scopeLabel } from './postbacks';

const appRoute = getRouteApi('/app');
const newRoute = getRouteApi('/app/postbacks/new');
const editRoute = getRouteApi('/app/postbacks/$postbackId');

export function checkPostbackUrl(url: string): { error: string | null; warning: string | null } {
  if (url.trim() === '')
    return { error: 'Enter the URL on your server that receives conversions.', warning: null };
  if (!/^https?:\/\//i.test(url))
    return { error: 'Your URL must start with http:// or https://.', warning: null };
  if (/^http:\/\//i.test(url))
    return {
      error: null,
      warning: 'Plain http:// sends conversion data unencrypted; use https:// if your server has it.',
    };
  return { error: null, warning: null };
}

export function PostbackEditor(props: { postback?: Postback; publisherId?: number }) {
  const { user } = appRoute.useRouteContext();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const p = props.postback;
  const isAdmin = user.role === 'admin';
  const [publisherId, setPublisherId] = useState(String(p?.publisherId ?? props.publisherId ?? ''));
  const [type, setType] = useState<'global' | 'local'>(p && p.scope !== 'global' ? 'local' : 'global');
  const [offerId, setOfferId] = useState(p?.offerId ? String(p.offerId) : '');
  const [goal, setGoal] = useState(p?.scope === 'goal' ? (p.goal ?? '') : '');
  const [linkId, setLinkId] = useState(p?.scope === 'link' && p.linkId ? String(p.linkId) : '');
  const [fireWithSpecific, setFireWithSpecific] = useState(p?.fireWithSpecific ?? false);
  const [url, setUrl] = useState(p?.url ?? '');
  const [kind, setKind] = useState<PostbackKind>(p?.kind ?? 'url');
  const [destination, setDestination] = useState(() =>
    destinationDraft(p?.destination, p?.eventMap, p?.value),
  );
  const [statuses, setStatuses] = useState<Status[]>(
    p ? STATUSES.filter((s) => p.statuses.includes(s)) : [...STATUSES],
  );
  const [ledgerEvents, setLedgerEvents] = useState<LedgerEvent[]>(
    LEDGER_EVENTS.filter((e) => p?.statuses.includes(e)),
  );
  const [method, setMethod] = useState<'GET' | 'POST'>(p?.method ?? 'GET');
  const [bodyFormat, setBodyFormat] = useState<'form' | 'json'>(p?.bodyFormat ?? 'json');
  const [body, setBody] = useState(p?.bodyTemplate ?? '');
  const [headers, setHeaders] = useState<[string, string][]>(Object.entries(p?.headers ?? {}));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [touched, setTouched] = useState(false);
  const [offerText, setOfferText] = useState('');
  const publishers = usePublisherChoices(isAdmin && !p);
  const offers = useOfferSearch(offerText);
  const offer = useOffer(offerId ? Number(offerId) : undefined);
  const links = useQuery({
    queryKey: ['links', 'of-postback', publisherId, offerId],
    queryFn: () =>
      get<ApiPage<TrackingLink>>(
        `/links${query({ publisherId: isAdmin ? publisherId : undefined, offerId, limit: 100 })}`,
      ),
    enabled: type === 'local' && offerId !== '' && (!isAdmin || publisherId !== ''),
  });
  const headerMap = Object.fromEntries(headers.filter(([name]) => name.trim() !== ''));
  const draft = {
    publisherId: publisherId ? Number(publisherId) : null,
    url,
    method,
    bodyFormat: method === 'POST' ? bodyFormat : null,
    bodyTemplate: method === 'POST' ? body : null,
    headers: method === 'POST' ? headerMap : {},
  };
  const preview = usePreview(kind === 'url' ? draft : { ...draft, url: '' });
  const urlCheck = checkPostbackUrl(url);
  const unknown = (field: string) => preview.data?.unknownMacros.filter((u) => u.field === field) ?? [];
  const scope = type === 'global' ? 'global' : linkId ? 'link' : goal ? 'goal' : 'offer';
  const ledgerEventsApply = kind === 'url' && scope === 'global';

  const save = useMutation({
    mutationFn: () => {
      const fields = {
        scope,
        offerId: type === 'local' && scope !== 'link' ? Number(offerId) : null,
        goal: scope === 'goal' ? goal : null,
        ...(scope === 'link' && { linkId: Number(linkId) }),
        ...(kind === 'url'
          ? {
              ...(p && p.kind !== 'url' && { kind }),
              url,
              method,
              // A GET postback carries no body fields at all.
              ...(method === 'POST' && {
                bodyFormat: draft.bodyFormat,
                bodyTemplate: draft.bodyTemplate,
                headers: draft.headers,
              }),
            }
          : destinationBody(kind, destination)),
        statuses: ledgerEventsApply ? [...statuses, ...ledgerEvents] : statuses,
        fireWithSpecific: scope === 'goal' ? false : fireWithSpecific,
      };
      if (p) return api<Postback>('PATCH', `/postbacks/${p.id}`, fields);
      return api<Postback>('POST', '/postbacks', {
        ...(isAdmin && { publisherId: Number(publisherId) }),
        ...fields,
      });
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(['postbacks', saved.id], saved);
      void queryClient.invalidateQueries({ queryKey: ['postbacks'] });
      if (!p) void navigate({ to: '/postbacks/$postbackId', params: { postbackId: String(saved.id) } });
    },
    onError: (error) => {
      const path = error instanceof ApiError && error.field ? error.field.split('.') : ['form'];
      // "destination.pixelId" lands on its setting; "destination" alone (a missing setting) on the form.
      const field = path[0] === 'destination' ? (path[1] ?? 'form') : path[0];
      setErrors({ [field]: plainMessage(error) });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    const found: Record<string, string> = {};
    if (isAdmin && !p && !publisherId) found.publisherId = 'Choose whose postback this is.';
    if (type === 'local' && !offerId) found.offerId = 'Choose the offer this postback is for.';
    if (kind === 'url' && urlCheck.error) found.url = urlCheck.error;
    setErrors(found);
    if (Object.keys(found).length === 0) save.mutate();
  }

  return (
    <>
      <form className={`${ui.card} ${ui.stack}`} onSubmit={submit} noValidate>
        {isAdmin && !p && (
          <Field label="Publisher" error={errors.publisherId}>
            {(fp) => (
              <select
                {...fp}
                className={ui.input}
                value={publisherId}
                onChange={(e) => setPublisherId(e.target.value)}
              >
                <option value="">Choose…</option>
                {(publishers.data?.data ?? []).map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name} (#{x.id})
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <fieldset className={ui.stack} style={{ border: 0, padding: 0, margin: 0 }}>
          <legend className={ui.label}>Type</legend>
          <div className={ui.row}>
            {radio('type', 'global', type === 'global', () => setType('global'), 'Global: all my offers')}
            {radio(
              'type',
              'local',
              type === 'local',
              () => setType('local'),
              'Local: one offer, goal or link',
            )}
          </div>
        </fieldset>
        {type === 'local' && (
          <div className={ui.formGrid}>
            <Field label="Find an offer">
              {(fp) => (
                <input
                  {...fp}
                  type="search"
                  className={ui.input}
                  value={offerText}
                  onChange={(e) => setOfferText(e.target.value)}
                />
              )}
            </Field>
            <Field label="Offer" error={errors.offerId}>
              {(fp) => (
                <select
                  {...fp}
                  className={ui.input}
                  value={offerId}
                  onChange={(e) => {
                    setOfferId(e.target.value);
                    setGoal('');
                    setLinkId('');
                  }}
                >
                  <option value="">Choose…</option>
                  {offerId && !offers.data?.data.some((o) => String(o.id) === offerId) && (
                    <option value={offerId}>Offer #{offerId}</option>
                  )}
                  {(offers.data?.data ?? []).map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.name} (#{o.id})
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Goal" error={errors.goal} help="Leave on “Every goal” for the whole offer.">
              {(fp) => (
                <select
                  {...fp}
                  className={ui.input}
                  value={goal}
                  onChange={(e) => {
                    setGoal(e.target.value);
                    if (e.target.value) setLinkId('');
                  }}
                  disabled={!offerId}
                >
                  <option value="">Every goal</option>
                  <option value="default">Default conversion</option>
                  {(offer.data?.goals ?? []).map((g) => (
                    <option key={g.key} value={g.key}>
                      {g.name} ({g.key})
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Tracking link" help="Only the conversions of one of your links on this offer.">
              {(fp) => (
                <select
                  {...fp}
                  className={ui.input}
                  value={linkId}
                  onChange={(e) => {
                    setLinkId(e.target.value);
                    if (e.target.value) setGoal('');
                  }}
                  disabled={!offerId}
                >
                  <option value="">Every link</option>
                  {linkId && !links.data?.data.some((l) => String(l.id) === linkId) && (
                    <option value={linkId}>Link #{linkId}</option>
                  )}
                  {(links.data?.data ?? []).map((l) => (
                    <option key={l.id} value={l.id}>
                      /c/{l.slug}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
        )}
        {scope !== 'goal' && (
          <Switch
            label="Also fire beside a more specific postback"
            checked={fireWithSpecific}
            onChange={setFireWithSpecific}
            help="Off: when an offer, link or goal has its own postback, only the most specific one fires (goal, then link, then offer)."
          />
        )}
        <fieldset className={ui.stack} style={{ border: 0, padding: 0, margin: 0 }}>
          <legend className={ui.label}>Destination</legend>
          <div className={ui.row}>
            {KINDS.map(([k, label]) => radio('kind', k, kind === k, () => setKind(k), label))}
          </div>
        </fieldset>
        {kind !== 'url' && (
          <DestinationFields
            kind={kind}
            stored={p?.kind === kind ? p.destination : null}
            value={destination}
            onChange={setDestination}
            errors={errors}
            canSendRevenue={isAdmin}
          />
        )}
        {kind === 'url' && (
          <MacroField
            label="Postback URL"
            value={url}
            onChange={(v) => {
              setUrl(v);
              setTouched(true);
            }}
            placeholder="https://yourtracker.com/postback?click_id={external_id}&payout={payout}"
            help="Type { or use “{ } Add macro” to insert a macro at the cursor."
            error={errors.url ?? (touched ? urlCheck.error : null)}
            warning={urlCheck.warning}
            unknown={unknown('url')}
          />
        )}
        <StatusChips value={statuses} onChange={setStatuses} />
        {ledgerEventsApply && <LedgerEventChips value={ledgerEvents} onChange={setLedgerEvents} />}
        {kind === 'url' && (
          <>
            <fieldset className={ui.stack} style={{ border: 0, padding: 0, margin: 0 }}>
              <legend className={ui.label}>Method</legend>
              <div className={ui.row}>
                {radio('method', 'GET', method === 'GET', () => setMethod('GET'), 'GET')}
                {radio('method', 'POST', method === 'POST', () => setMethod('POST'), 'POST')}
              </div>
            </fieldset>
            {method === 'POST' && (
              <PostbackBodyFields
                value={{ bodyFormat, body, headers }}
                onChange={(next) => {
                  setBodyFormat(next.bodyFormat);
                  setBody(next.body);
                  setHeaders(next.headers);
                }}
                unknown={unknown('bodyTemplate')}
                errors={errors}
              />
            )}
            <section aria-labelledby="preview-title" className={ui.stack} style={{ gap: '0.3rem' }}>
              <h2 id="preview-title">Preview with sample values</h2>
              {preview.error ? (
                <ErrorBanner
                  error={preview.error}
                  what="The preview failed"
                  onRetry={() => preview.refetch()}
                />
              ) : preview.data?.request ? (
                <pre className={ui.pre} aria-live="polite">
                  {`${preview.data.request.method} ${preview.data.request.url}`}
                  {preview.data.request.body !== null &&
                    `\n${Object.entries(preview.data.request.headers)
                      .filter(([k]) => !k.startsWith('webhook-'))
                      .map(([k, v]) => `${k}: ${v}`)
                      .join('\n')}\n\n${preview.data.request.body}`}
                </pre>
              ) : (
                <p className={ui.help}>Enter a Postback URL to see the request it sends.</p>
              )}
            </section>
          </>
        )}
        {errors.form && (
          <p className={ui.error} role="alert">
            {errors.form}
          </p>
        )}
        {save.isSuccess && p && <p role="status">Saved.</p>}
        <div className={ui.row}>
          <button type="submit" className={`${ui.button} ${ui.primary}`} disabled={save.isPending}>
            Save postback
          </button>
        </div>
      </form>
      {p && <TestConversion postbackId={p.id} />}
      {p && <EnableControls postback={p} />}
      {p && (
        <div>
          <ConfirmButton
            label="Delete postback"
            title="Delete this postback?"
            description="It stops firing for new conversions at once. This cannot be undone."
            confirmLabel="Delete"
            danger
            onConfirm={async () => {
              await api('DELETE', `/postbacks/${p.id}`);
              void queryClient.invalidateQueries({ queryKey: ['postbacks'] });
              await navigate({
                to: '/postbacks',
                search: { publisherId: isAdmin ? p.publisherId : undefined },
              });
            }}
          />
        </div>
      )}
    </>
  );
}

export function NewPostbackScreen() {
  const { publisherId } = newRoute.useSearch();
  return (
    <Page title="New postback" lede="Where we tell your tracker about each conversion.">
      <PostbackEditor publisherId={publisherId} />
    </Page>
  );
}

export function EditPostbackScreen() {
  const { postbackId } = editRoute.useParams();
  const postback = useQuery({
    queryKey: ['postbacks', Number(postbackId)],
    queryFn: () => get<Postback>(`/postbacks/${postbackId}`),
  });
  return (
    <Loaded query={postback} what="This postback could not be loaded">
      {(p) => (
        <Page title={`Postback #${p.id}`} lede={`${scopeLabel(p)} · publisher #${p.publisherId}`}>
          <PostbackEditor key={p.id} postback={p} />
        </Page>
      )}
    </Loaded>
  );
}
