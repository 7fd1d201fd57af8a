// One offer: key facts, conversion tracking (postback URLs per goal, a test link), and its settings.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { InboundUrl, inboundUrl, ReplaceHint } from '../components/inbound-urls';
import { Loaded, Page, UrlBox, ui } from '../components/ui';
import { get } from '../lib/api';
import { formatMoney } from '../lib/format';
import { useOffer } from '../lib/queries';
import type { Advertiser, Page as ApiPage, Link as TrackingLink } from '../lib/types';
import { OfferCaps } from './offer-caps';
import { OfferForm } from './offer-form';

const route = getRouteApi('/app/offers/$offerId');
const appRoute = getRouteApi('/app');

export function OfferScreen() {
  const { offerId } = route.useParams();
  const { user } = appRoute.useRouteContext();
  const queryClient = useQueryClient();
  const offer = useOffer(Number(offerId));
  const advertiserId = offer.data?.advertiserId;
  const advertiser = useQuery({
    queryKey: ['advertisers', advertiserId],
    queryFn: () => get<Advertiser>(`/advertisers/${advertiserId}`),
    enabled: advertiserId !== undefined && user.role !== 'publisher',
  });
  const links = useQuery({
    queryKey: ['links', 'offer', Number(offerId)],
    queryFn: () => get<ApiPage<TrackingLink>>(`/links?offerId=${offerId}&limit=5`),
    enabled: user.role !== 'advertiser',
  });
  return (
    <Loaded query={offer} what="This offer could not be loaded">
      {(o) => (
        <Page
          title={o.name}
          lede={`Offer #${o.id} · advertiser #${o.advertiserId}`}
          actions={
            user.role !== 'advertiser' && (
              <Link to="/links" search={{ offerId: o.id }} className={`${ui.button} ${ui.primary}`}>
                Get a tracking link
              </Link>
            )
          }
        >
          <section className={ui.card} aria-label="Key facts">
            <dl className={ui.dl}>
              <dt>Payout</dt>
              <dd>{formatMoney(o.payout, o.currency)}</dd>
              {o.revenue !== undefined && (
                <>
                  <dt>Revenue</dt>
                  <dd>{formatMoney(o.revenue, o.currency)}</dd>
                </>
              )}
              <dt>Destination</dt>
              <dd className={ui.mono}>{o.url}</dd>
              <dt>Click lifetime</dt>
              <dd>{o.clickLifetimeDays} days</dd>
              <dt>Unique click window</dt>
              <dd>{o.uniqueWindowHours} hours</dd>
              <dt>Goals</dt>
              <dd>
                {o.goals.length === 0
                  ? 'default only'
                  : o.goals
                      .map(
                        (g) =>
                          `${g.name} (${g.key})${g.payout !== null ? ` ${formatMoney(g.payout, o.currency)}` : ''}`,
                      )
                      .join(' · ')}
              </dd>
            </dl>
          </section>
          {advertiser.data && (
            <section className={`${ui.card} ${ui.stack}`} aria-labelledby="tracking-title">
              <h2 id="tracking-title">Conversion tracking</h2>
              <p className={ui.help}>Share these with {advertiser.data.name}: one URL per goal.</p>
              <h3>Default conversion</h3>
              <InboundUrl url={inboundUrl(advertiser.data)} label="default postback URL" />
              {o.goals.map((g) => (
                <div key={g.key} className={ui.stack}>
                  <h3>{g.name}</h3>
                  <InboundUrl url={inboundUrl(advertiser.data, g.key)} label={`${g.key} postback URL`} />
                </div>
              ))}
              <ReplaceHint />
              <h3>Test link</h3>
              {links.data && links.data.data.length > 0 ? (
                <>
                  <p className={ui.help}>
                    Open it to record a test click; the advertiser then fires a postback for the click id it
                    receives.
                  </p>
                  <UrlBox url={`${links.data.data[0].url}?sub1=test`} label="Test link" />
                </>
              ) : (
                <p className={ui.help}>
                  No tracking link yet.{' '}
                  <Link to="/links" search={{ offerId: o.id }}>
                    Create one
                  </Link>{' '}
                  to get a test link.
                </p>
              )}
            </section>
          )}
          {user.role === 'admin' && <OfferCaps offerId={o.id} />}
          {user.role === 'admin' && (
            <section className={ui.stack} aria-labelledby="settings-title">
              <h2 id="settings-title">Settings</h2>
              <OfferForm
                offer={o}
                onSaved={(saved) => queryClient.setQueryData(['offers', saved.id], saved)}
              />
            </section>
          )}
        </Page>
      )}
    </Loaded>
  );
}
