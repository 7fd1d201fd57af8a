// One advertiser: its inbound postback URL, the default / goal URL generator, token rotation, edit.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { ConfirmButton } from '../components/dialogs';
import { InboundUrl, PostbackUrlGenerator } from '../components/inbound-urls';
import { ErrorBanner, Loaded, Page, Time, UrlBox, ui } from '../components/ui';
import { api, get } from '../lib/api';
import type { Advertiser } from '../lib/types';
import { AdvertiserForm } from './advertisers';

const route = getRouteApi('/app/advertisers/$advertiserId');
const appRoute = getRouteApi('/app');

export function AdvertiserScreen() {
  const { advertiserId } = route.useParams();
  const isAdmin = appRoute.useRouteContext().user.role === 'admin';
  const queryClient = useQueryClient();
  const advertiser = useQuery({
    queryKey: ['advertisers', Number(advertiserId)],
    queryFn: () => get<Advertiser>(`/advertisers/${advertiserId}`),
  });
  const rotate = useMutation({
    mutationFn: () => api<Advertiser>('POST', `/advertisers/${advertiserId}/rotate-token`),
    onSuccess: (a) => {
      queryClient.setQueryData(['advertisers', a.id], a);
      void queryClient.invalidateQueries({ queryKey: ['advertisers'] });
    },
  });
  return (
    <Loaded query={advertiser} what="This advertiser could not be loaded">
      {(a) => (
        <Page
          title={a.name}
          lede={
            <>
              Advertiser #{a.id} · created <Time ms={a.createdAt} />
            </>
          }
          actions={
            isAdmin && (
              <Link to="/offers/new" search={{ advertiserId: a.id }} className={`${ui.button} ${ui.primary}`}>
                New offer
              </Link>
            )
          }
        >
          <section className={`${ui.card} ${ui.stack}`} aria-labelledby="inbound-title">
            <h2 id="inbound-title">Advertiser postback</h2>
            <p className={ui.help}>
              Give this URL to {a.name}: they call it for every conversion. GET, form POST and JSON POST all
              work.
            </p>
            <UrlBox url={a.postbackUrl} label="Inbound postback URL" />
            <h3>Network postback URL</h3>
            {a.networkPostbackUrl ? (
              <>
                <p className={ui.help}>
                  The shared endpoint, named by <code>network={a.network}</code>, with the parameter names{' '}
                  {a.preset ? 'its preset and overrides give' : 'set below'}.
                </p>
                <InboundUrl url={a.networkPostbackUrl} label="network postback URL" />
              </>
            ) : (
              <p className={ui.help}>
                Give this advertiser a network slug in Settings to use /postback?network=….
              </p>
            )}
            <h3>Default and goal postback URLs</h3>
            <PostbackUrlGenerator advertiser={a} />
            {isAdmin && (
              <div className={ui.row}>
                <ConfirmButton
                  label="Rotate token"
                  title="Rotate this advertiser's token?"
                  description="The old postback URL stops working at once. Send the new URL to the advertiser before they fire their next conversion."
                  confirmLabel="Rotate token"
                  danger
                  onConfirm={() => rotate.mutate()}
                />
                {rotate.isSuccess && <span role="status">New token in place. Send the new URL.</span>}
              </div>
            )}
            {rotate.error && <ErrorBanner error={rotate.error} what="The token was not rotated" />}
          </section>
          {isAdmin && (
            <section aria-labelledby="edit-title" className={ui.stack}>
              <h2 id="edit-title">Settings</h2>
              <AdvertiserForm
                advertiser={a}
                onSaved={(saved) => queryClient.setQueryData(['advertisers', saved.id], saved)}
              />
            </section>
          )}
          <p>
            <Link to="/offers" search={{ advertiserId: a.id }}>
              This advertiser's offers
            </Link>
          </p>
        </Page>
      )}
    </Loaded>
  );
}
