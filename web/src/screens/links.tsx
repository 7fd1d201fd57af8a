// Links & Promotion: choose offer and publisher, get the tracking link; "Add Sub IDs" fills Sub ID
// 1…10 and the link updates as you type; copy it; hints for the publisher's own click id and for an
// ad platform's click id.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { Field, Loaded, Page, UrlBox, ui } from '../components/ui';
import { ApiError, api, get, plainMessage, query } from '../lib/api';
import { useOfferSearch, usePublisherChoices } from '../lib/queries';
import type { Page as ApiPage, Link as TrackingLink } from '../lib/types';

const route = getRouteApi('/app/links');
const appRoute = getRouteApi('/app');

const SUB_HINTS: Record<number, string> = {
  1: 'Traffic source (e.g. instagram)',
  2: 'Content type (e.g. story, post, bio)',
  3: 'Campaign name (e.g. summerlaunch)',
};

const PLATFORMS: Record<string, { label: string; macro?: string; note: string }> = {
  gclid: {
    label: 'Google Ads (gclid)',
    macro: '{gclid}',
    note: 'Google fills {gclid} when auto-tagging is on.',
  },
  ttclid: {
    label: 'TikTok (ttclid)',
    macro: '__CLICKID__',
    note: 'TikTok fills __CLICKID__ with the ttclid.',
  },
  fbclid: {
    label: 'Meta (fbclid)',
    note: 'Meta adds fbclid to every link by itself; Trackwire records it and passes it on as {fbclid}.',
  },
};

/** The link with its sub ids; macros of ad platforms ({gclid}) stay readable for the ad platform to fill. */
export function withParams(url: string, params: [string, string][]): string {
  const filled = params.filter(([, v]) => v !== '');
  if (filled.length === 0) return url;
  const encode = (v: string) => encodeURIComponent(v).replace(/%7B/g, '{').replace(/%7D/g, '}');
  return `${url}${url.includes('?') ? '&' : '?'}${filled.map(([k, v]) => `${k}=${encode(v)}`).join('&')}`;
}

function CreateLink(props: {
  offerId?: number;
  publisherId?: number;
  onCreated: (link: TrackingLink) => void;
}) {
  const queryClient = useQueryClient();
  const [slug, setSlug] = useState('');
  const [error, setError] = useState<{ field: string; message: string } | null>(null);
  const create = useMutation({
    mutationFn: () =>
      api<TrackingLink>('POST', '/links', {
        offerId: props.offerId,
        publisherId: props.publisherId,
        ...(slug && { slug }),
      }),
    onSuccess: (link) => {
      void queryClient.invalidateQueries({ queryKey: ['links'] });
      setSlug('');
      props.onCreated(link);
    },
    onError: (e) =>
      setError({
        field: e instanceof ApiError && e.field === 'slug' ? 'slug' : 'form',
        message: plainMessage(e),
      }),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    if (slug && !/^[A-Za-z0-9_-]{3,64}$/.test(slug))
      return setError({ field: 'slug', message: 'Use 3–64 letters, digits, _ or -.' });
    setError(null);
    create.mutate();
  }
  return (
    <form className={`${ui.row}`} style={{ alignItems: 'flex-end' }} onSubmit={submit} noValidate>
      <div style={{ flex: 1, minWidth: '12rem' }}>
        <Field
          label="Slug (optional)"
          help="The end of the link: /c/<slug>. Generated when empty."
          error={error?.field === 'slug' ? error.message : null}
        >
          {(p) => (
            <input {...p} className={ui.input} value={slug} onChange={(e) => setSlug(e.target.value)} />
          )}
        </Field>
      </div>
      <button
        type="submit"
        className={`${ui.button} ${ui.primary}`}
        disabled={!props.offerId || !props.publisherId || create.isPending}
      >
        Create tracking link
      </button>
      {error?.field === 'form' && (
        <p className={ui.error} role="alert" style={{ flexBasis: '100%' }}>
          {error.message}
        </p>
      )}
    </form>
  );
}

function LinkBuilder(props: { link: TrackingLink; canSaveDefaults: boolean }) {
  const queryClient = useQueryClient();
  const [showSubs, setShowSubs] = useState(Object.keys(props.link.subs).length > 0);
  const [subs, setSubs] = useState<string[]>(
    Array.from({ length: 10 }, (_, i) => props.link.subs[`sub${i + 1}`] ?? ''),
  );
  const [cid, setCid] = useState('');
  const [platform, setPlatform] = useState('');
  const [slot, setSlot] = useState('1');
  const saveDefaults = useMutation({
    mutationFn: () =>
      api<TrackingLink>('PATCH', `/links/${props.link.id}`, {
        subs: Object.fromEntries(
          subs.map((v, i) => [`sub${i + 1}`, v] as [string, string]).filter(([, v]) => v),
        ),
      }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['links'] }),
  });
  const url = withParams(props.link.url, [
    ...subs.map((v, i) => [`sub${i + 1}`, v] as [string, string]),
    ['cid', cid],
  ]);
  const platformInfo = platform ? PLATFORMS[platform] : undefined;
  return (
    <section className={`${ui.card} ${ui.stack}`} aria-labelledby="link-title">
      <h2 id="link-title">Your tracking link</h2>
      <UrlBox url={url} label="Tracking link" />
      <div className={ui.row}>
        <a className={ui.button} href={url} target="_blank" rel="noreferrer">
          Open link
        </a>
        <button
          type="button"
          className={ui.button}
          aria-expanded={showSubs}
          onClick={() => setShowSubs(!showSubs)}
        >
          {showSubs ? 'Hide Sub IDs' : 'Add Sub IDs'}
        </button>
      </div>
      {showSubs && (
        <>
          <p className={ui.help}>
            Sub IDs break your traffic down by source, content or campaign; they come back in your postbacks
            as <code>{'{sub1}'}</code>…<code>{'{sub10}'}</code>. The link above updates as you type.
          </p>
          <div className={ui.formGrid}>
            {subs.map((value, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: ten fixed slots
              <Field key={i} label={`Sub ID ${i + 1}`} help={SUB_HINTS[i + 1]}>
                {(p) => (
                  <input
                    {...p}
                    className={ui.input}
                    value={value}
                    onChange={(e) => setSubs(subs.map((s, j) => (j === i ? e.target.value : s)))}
                  />
                )}
              </Field>
            ))}
          </div>
          {props.canSaveDefaults && (
            <div className={ui.row}>
              <button type="button" className={ui.button} onClick={() => saveDefaults.mutate()}>
                Save as the link's default Sub IDs
              </button>
              {saveDefaults.isSuccess && <span role="status">Saved.</span>}
              {saveDefaults.error && <span className={ui.error}>{plainMessage(saveDefaults.error)}</span>}
            </div>
          )}
        </>
      )}
      <h3>Your own click id</h3>
      <Field
        label="Your click id (cid)"
        help="Pass your tracker's click id as cid= (clickid, click_id and external_id work too); it comes back in postbacks as {external_id}. Put your tracker's macro here, e.g. {clickid}."
      >
        {(p) => <input {...p} className={ui.input} value={cid} onChange={(e) => setCid(e.target.value)} />}
      </Field>
      <h3>Ad platform click id</h3>
      <div className={ui.formGrid}>
        <Field label="Capture the click id of">
          {(p) => (
            <select
              {...p}
              className={ui.input}
              value={platform}
              onChange={(e) => {
                const next = e.target.value;
                setPlatform(next);
                const macro = PLATFORMS[next]?.macro;
                if (macro) setSubs(subs.map((s, j) => (j === Number(slot) - 1 ? macro : s)));
                if (macro) setShowSubs(true);
              }}
            >
              <option value="">No ad platform</option>
              {Object.entries(PLATFORMS).map(([key, p]) => (
                <option key={key} value={key}>
                  {p.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Into Sub ID">
          {(p) => (
            <select {...p} className={ui.input} value={slot} onChange={(e) => setSlot(e.target.value)}>
              {Array.from({ length: 10 }, (_, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: ten fixed slots
                <option key={i} value={i + 1}>
                  Sub ID {i + 1}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <p className={ui.help}>
        {platformInfo
          ? `${platformInfo.note} Then send it back with {sub${slot}} in your postback URL.`
          : 'Trackwire records gclid, fbclid and ttclid from every click by itself; capturing one into a Sub ID keeps your postback mapping the same across ad accounts.'}
      </p>
    </section>
  );
}

export function LinksScreen() {
  const search = route.useSearch();
  const { user } = appRoute.useRouteContext();
  const navigate = useNavigate();
  const isAdmin = user.role === 'admin';
  const publisherId = isAdmin ? search.publisherId : (user.publisherId ?? undefined);
  const [offerText, setOfferText] = useState('');
  const offers = useOfferSearch(offerText);
  const publishers = usePublisherChoices(isAdmin);
  const links = useQuery({
    queryKey: ['links', search.offerId, publisherId],
    queryFn: () =>
      get<ApiPage<TrackingLink>>(`/links${query({ offerId: search.offerId, publisherId, limit: 100 })}`),
  });
  const set = (patch: { offerId?: number; publisherId?: number; linkId?: number }) =>
    navigate({ to: '/links', search: { ...search, linkId: undefined, ...patch } });
  const chosen =
    links.data?.data.find((l) => l.id === search.linkId) ??
    (links.data?.data.length === 1 ? links.data.data[0] : undefined);
  const offerName = (id: number) => offers.data?.data.find((o) => o.id === id)?.name ?? `Offer #${id}`;

  return (
    <Page
      title="Links & Promotion"
      lede="Get a tracking link for an offer, add Sub IDs, copy it into your ads."
    >
      <section className={`${ui.card} ${ui.stack}`} aria-label="Choose offer and publisher">
        <div className={ui.formGrid}>
          <Field label="Find an offer">
            {(p) => (
              <input
                {...p}
                type="search"
                className={ui.input}
                placeholder="Name or id"
                value={offerText}
                onChange={(e) => setOfferText(e.target.value)}
              />
            )}
          </Field>
          <Field label="Offer">
            {(p) => (
              <select
                {...p}
                className={ui.input}
                value={search.offerId ?? ''}
                onChange={(e) => set({ offerId: e.target.value ? Number(e.target.value) : undefined })}
              >
                <option value="">{isAdmin ? 'Choose an offer…' : 'All my offers'}</option>
                {search.offerId && !offers.data?.data.some((o) => o.id === search.offerId) && (
                  <option value={search.offerId}>Offer #{search.offerId}</option>
                )}
                {(offers.data?.data ?? []).map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name} (#{o.id})
                  </option>
                ))}
              </select>
            )}
          </Field>
          {isAdmin && (
            <Field label="Publisher">
              {(p) => (
                <select
                  {...p}
                  className={ui.input}
                  value={search.publisherId ?? ''}
                  onChange={(e) => set({ publisherId: e.target.value ? Number(e.target.value) : undefined })}
                >
                  <option value="">Choose a publisher…</option>
                  {(publishers.data?.data ?? []).map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name} (#{p.id})
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
        </div>
        {isAdmin && (
          <CreateLink
            offerId={search.offerId}
            publisherId={search.publisherId}
            onCreated={(link) =>
              set({ offerId: link.offerId, publisherId: link.publisherId, linkId: link.id })
            }
          />
        )}
      </section>
      <Loaded query={links} what="Links could not be loaded">
        {(page) =>
          page.data.length === 0 ? (
            <p className={`${ui.card} ${ui.empty}`}>
              {isAdmin
                ? 'No tracking link for this choice yet. Choose an offer and a publisher, then create one.'
                : 'No tracking links yet. Your network creates them for the offers you may run.'}
            </p>
          ) : (
            <div className={ui.tableWrap}>
              <table className={ui.table}>
                <caption className="visually-hidden">Tracking links</caption>
                <thead>
                  <tr>
                    <th>Link</th>
                    <th>Offer</th>
                    <th>Publisher</th>
                    <th>
                      <span className="visually-hidden">Choose</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((l) => (
                    <tr key={l.id} aria-current={chosen?.id === l.id ? 'true' : undefined}>
                      <td className={ui.mono}>/c/{l.slug}</td>
                      <td>{offerName(l.offerId)}</td>
                      <td>#{l.publisherId}</td>
                      <td>
                        <button
                          type="button"
                          className={`${ui.button} ${ui.small}`}
                          onClick={() =>
                            set({ offerId: l.offerId, publisherId: l.publisherId, linkId: l.id })
                          }
                        >
                          {chosen?.id === l.id ? 'Chosen' : `Use /c/${l.slug}`}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
      {chosen && <LinkBuilder key={chosen.id} link={chosen} canSaveDefaults={isAdmin} />}
    </Page>
  );
}
