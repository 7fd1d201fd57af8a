// The postback editor: type Global or Local (offer, offer's goal), the Postback URL with the macro
// picker and inline checks, status chips, method / body / headers, a live preview of the request,
// "Test conversion", and enable / disable (releasing held deliveries).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useId, useState } from 'react';
import { ConfirmButton, Switch } from '../components/dialogs';
import { MacroField } from '../components/macro-field';
import { Badge, ErrorBanner, Field, Loaded, Page, ui } from '../components/ui';
import { ApiError, api, get, plainMessage } from '../lib/api';
import { useOffer, useOfferSearch, usePublisherChoices } from '../lib/queries';
import { type Postback, STATUSES, type Status, type TestFire } from '../lib/types';
import { usePreview } from '../lib/use-preview';
import { scopeLabel } from './postbacks';

const appRoute = getRouteApi('/app');
const newRoute = getRouteApi('/app/postbacks/new');
const editRoute = getRouteApi('/app/postbacks/$postbackId');

/** The seeds' words for the five statuses. */
const CHIPS: [string, Status][] = [
  ['Hold', 'pending'],
  ['Approve', 'approved'],
  ['Reject', 'rejected'],
  ['Decline', 'declined'],
  ['Reversed', 'reversed'],
];

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

function StatusChips(props: { value: Status[]; onChange: (v: Status[]) => void }) {
  const all = props.value.length === STATUSES.length;
  const toggle = (status: Status) => {
    const next = props.value.includes(status)
      ? props.value.filter((s) => s !== status)
      : [...props.value, status];
    if (next.length > 0) props.onChange(STATUSES.filter((s) => next.includes(s)));
  };
  return (
    <fieldset className={ui.stack} style={{ gap: '0.3rem', border: 0, padding: 0, margin: 0 }}>
      <legend className={ui.label}>Conversion statuses</legend>
      <div className={ui.row}>
        <button
          type="button"
          className={ui.chip}
          aria-pressed={all}
          onClick={() => props.onChange([...STATUSES])}
        >
          All
        </button>
        {CHIPS.map(([label, status]) => (
          <button
            key={status}
            type="button"
            className={ui.chip}
            aria-pressed={!all && props.value.includes(status)}
            onClick={() => (all ? props.onChange([status]) : toggle(status))}
          >
            {label}
          </button>
        ))}
      </div>
      <p className={ui.help}>
        Fires for {all ? 'every status' : props.value.join(', ')}. Many trackers need only Approve.
      </p>
    </fieldset>
  );
}

function TestConversion(props: { postbackId: number }) {
  const test = useMutation({
    mutationFn: () => api<TestFire>('POST', `/postbacks/${props.postbackId}/test`),
  });
  const r = test.data;
  return (
    <section className={`${ui.card} ${ui.stack}`} aria-labelledby="test-title">
      <h2 id="test-title">Test conversion</h2>
      <p className={ui.help}>
        Fires this postback now with sample values and no real click, and shows what came back.
      </p>
      <div>
        <button
          type="button"
          className={`${ui.button} ${ui.primary}`}
          onClick={() => test.mutate()}
          disabled={test.isPending}
        >
          {test.isPending ? 'Sending…' : 'Test conversion'}
        </button>
      </div>
      {test.error && <ErrorBanner error={test.error} what="The test could not be sent" />}
      {r && (
        <div className={ui.stack} role="status" aria-label="Test result">
          <p
            className={`${ui.banner} ${r.response.statusCode >= 200 && r.response.statusCode < 300 ? ui.bannerOk : ui.bannerWarn}`}
            style={{ margin: 0 }}
          >
            {r.explanation}
          </p>
          <dl className={ui.dl}>
            <dt>Receiver's status</dt>
            <dd>{r.response.statusCode === 0 ? `no answer (${r.errorClass})` : r.response.statusCode}</dd>
            <dt>Time taken</dt>
            <dd>{r.durationMs} ms</dd>
            <dt>Request sent</dt>
            <dd className={ui.mono}>
              {r.request.method} {r.request.url}
            </dd>
          </dl>
          {r.request.body && (
            <>
              <h3>Body sent</h3>
              <pre className={ui.pre}>{r.request.body}</pre>
            </>
          )}
          <h3>Body received{r.response.truncated ? ' (first part)' : ''}</h3>
          <pre className={ui.pre}>{r.response.bodyExcerpt || '(empty)'}</pre>
          {r.warnings.map((w) => (
            <p key={w} className={ui.warning}>
              {w}
            </p>
          ))}
        </div>
      )}
    </section>
  );
}

function EnableControls(props: { postback: Postback }) {
  const queryClient = useQueryClient();
  const [release, setRelease] = useState(true);
  const releaseId = useId();
  const p = props.postback;
  const change = useMutation({
    mutationFn: (on: boolean) =>
      on
        ? api<Postback>('POST', `/postbacks/${p.id}/enable`, { releaseHeld: release })
        : api<Postback>('POST', `/postbacks/${p.id}/disable`),
    onSuccess: (saved) => {
      queryClient.setQueryData(['postbacks', p.id], saved);
      void queryClient.invalidateQueries({ queryKey: ['postbacks'] });
    },
  });
  const on = p.enabled && p.state === 'active';
  return (
    <section className={`${ui.card} ${ui.stack}`} aria-labelledby="state-title">
      <h2 id="state-title">
        State <Badge status={on ? 'active' : 'disabled'} />
      </h2>
      {p.disabledReason && <p className={ui.help}>Disabled because: {p.disabledReason}</p>}
      {on ? (
        <div>
          <button type="button" className={ui.button} onClick={() => change.mutate(false)}>
            Disable postback
          </button>
          <p className={ui.help}>While disabled, its deliveries are held, never dropped.</p>
        </div>
      ) : (
        <div className={ui.stack}>
          <div className={ui.row}>
            <input
              id={releaseId}
              type="checkbox"
              checked={release}
              onChange={(e) => setRelease(e.target.checked)}
            />
            <label htmlFor={releaseId}>Release held deliveries</label>
          </div>
          <div>
            <button
              type="button"
              className={`${ui.button} ${ui.primary}`}
              onClick={() => change.mutate(true)}
            >
              Enable postback
            </button>
          </div>
        </div>
      )}
      {change.error && <ErrorBanner error={change.error} />}
    </section>
  );
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
  const [fireWithSpecific, setFireWithSpecific] = useState(p?.fireWithSpecific ?? false);
  const [url, setUrl] = useState(p?.url ?? '');
  const [statuses, setStatuses] = useState<Status[]>(p?.statuses ?? [...STATUSES]);
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
  const headerMap = Object.fromEntries(headers.filter(([name]) => name.trim() !== ''));
  const draft = {
    publisherId: publisherId ? Number(publisherId) : null,
    url,
    method,
    bodyFormat: method === 'POST' ? bodyFormat : null,
    bodyTemplate: method === 'POST' ? body : null,
    headers: method === 'POST' ? headerMap : {},
  };
  const preview = usePreview(draft);
  const urlCheck = checkPostbackUrl(url);
  const unknown = (field: string) => preview.data?.unknownMacros.filter((u) => u.field === field) ?? [];
  const scope = type === 'global' ? 'global' : goal ? 'goal' : 'offer';

  const save = useMutation({
    mutationFn: () => {
      const fields = {
        scope,
        offerId: type === 'local' ? Number(offerId) : null,
        goal: scope === 'goal' ? goal : null,
        url,
        method,
        // A GET postback carries no body fields at all.
        ...(method === 'POST' && {
          bodyFormat: draft.bodyFormat,
          bodyTemplate: draft.bodyTemplate,
          headers: draft.headers,
        }),
        statuses,
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
      const field = error instanceof ApiError && error.field ? error.field.split('.')[0] : 'form';
      setErrors({ [field]: plainMessage(error) });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    const found: Record<string, string> = {};
    if (isAdmin && !p && !publisherId) found.publisherId = 'Choose whose postback this is.';
    if (type === 'local' && !offerId) found.offerId = 'Choose the offer this postback is for.';
    if (urlCheck.error) found.url = urlCheck.error;
    setErrors(found);
    if (Object.keys(found).length === 0) save.mutate();
  }

  const radio = (name: string, value: string, checked: boolean, onChange: () => void, label: string) => (
    <label className={ui.row} style={{ gap: '0.3rem' }}>
      <input type="radio" name={name} value={value} checked={checked} onChange={onChange} /> {label}
    </label>
  );

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
            {radio('type', 'local', type === 'local', () => setType('local'), 'Local: one offer or goal')}
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
                  onChange={(e) => setGoal(e.target.value)}
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
          </div>
        )}
        {scope !== 'goal' && (
          <Switch
            label="Also fire beside a more specific postback"
            checked={fireWithSpecific}
            onChange={setFireWithSpecific}
            help="Off: when an offer or goal has its own postback, only the most specific one fires."
          />
        )}
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
        <StatusChips value={statuses} onChange={setStatuses} />
        <fieldset className={ui.stack} style={{ border: 0, padding: 0, margin: 0 }}>
          <legend className={ui.label}>Method</legend>
          <div className={ui.row}>
            {radio('method', 'GET', method === 'GET', () => setMethod('GET'), 'GET')}
            {radio('method', 'POST', method === 'POST', () => setMethod('POST'), 'POST')}
          </div>
        </fieldset>
        {method === 'POST' && (
          <>
            <fieldset className={ui.stack} style={{ border: 0, padding: 0, margin: 0 }}>
              <legend className={ui.label}>Body format</legend>
              <div className={ui.row}>
                {radio('format', 'json', bodyFormat === 'json', () => setBodyFormat('json'), 'JSON')}
                {radio('format', 'form', bodyFormat === 'form', () => setBodyFormat('form'), 'Form')}
              </div>
            </fieldset>
            <Field
              label="Body"
              help={
                bodyFormat === 'json'
                  ? 'e.g. {"click_id":"{external_id}","payout":"{payout}"}'
                  : 'e.g. click_id={external_id}&payout={payout}'
              }
              error={
                errors.bodyTemplate ??
                (unknown('bodyTemplate').length
                  ? `Unknown macro ${unknown('bodyTemplate')
                      .map(
                        (u) =>
                          `${u.macro}${u.suggestion ? ` (did you mean ${u.macro.replace(u.name, u.suggestion)}?)` : ''}`,
                      )
                      .join(', ')}`
                  : null)
              }
            >
              {(fp) => (
                <textarea
                  {...fp}
                  className={ui.input}
                  rows={4}
                  value={body}
                  onChange={(e) => setBody(e.target.value)}
                />
              )}
            </Field>
            <fieldset className={ui.stack} style={{ border: 0, padding: 0, margin: 0 }}>
              <legend className={ui.label}>Headers</legend>
              {headers.map(([name, value], i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place
                <div key={i} className={ui.row}>
                  <label className={ui.rowField}>
                    <span className={ui.help}>Header</span>
                    <input
                      className={ui.input}
                      style={{ maxWidth: '12rem' }}
                      aria-label={`Header ${i + 1} name`}
                      value={name}
                      onChange={(e) =>
                        setHeaders(headers.map((h, j) => (j === i ? [e.target.value, h[1]] : h)))
                      }
                    />
                  </label>
                  <label className={ui.rowField}>
                    <span className={ui.help}>Value</span>
                    <input
                      className={ui.input}
                      style={{ flex: 1, minWidth: '10rem' }}
                      aria-label={`Header ${i + 1} value`}
                      value={value}
                      onChange={(e) =>
                        setHeaders(headers.map((h, j) => (j === i ? [h[0], e.target.value] : h)))
                      }
                    />
                  </label>
                  <button
                    type="button"
                    className={`${ui.button} ${ui.small}`}
                    onClick={() => setHeaders(headers.filter((_, j) => j !== i))}
                  >
                    Remove header {i + 1}
                  </button>
                </div>
              ))}
              {errors.headers && <p className={ui.error}>{errors.headers}</p>}
              <div>
                <button
                  type="button"
                  className={`${ui.button} ${ui.small}`}
                  onClick={() => setHeaders([...headers, ['', '']])}
                >
                  Add header
                </button>
              </div>
            </fieldset>
          </>
        )}
        <section aria-labelledby="preview-title" className={ui.stack} style={{ gap: '0.3rem' }}>
          <h2 id="preview-title">Preview with sample values</h2>
          {preview.error ? (
            <ErrorBanner error={preview.error} what="The preview failed" onRetry={() => preview.refetch()} />
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
