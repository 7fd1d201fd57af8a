// Links & Promotion: choose offer and publisher, get the tracking link; "Add Sub IDs" fills Sub ID
// 1…10 and the link updates as you type; copy it; hints for the publisher's own click id and for an
// ad platform's click id.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { LinkBuilder } from '../components/link-builder';
import { Field, Loaded, Page, ui } from '../components/ui';
import { ApiError, api, get, plainMessage, query } from '../lib/api';
import { useOfferSearch, usePublisherChoices } from '../lib/queries';
import type { Page as ApiPage, Link as TrackingLink } from '../lib/types';

const route = getRouteApi('/app/links');
const appRoute = getRouteApi('/app');

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
                      <td>
                        {l.smartlinkId
                          ? `SmartLink #${l.smartlinkId} (fallback: ${offerName(l.offerId)})`
                          : offerName(l.offerId)}
                      </td>
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
