// One delivery: its state, "Resend now", and every attempt with its request, status, answer excerpt,
// time taken and error class. The conversion page shows the same block for each of its deliveries.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { Badge, ErrorBanner, Loaded, Page, TableWrap, Time, ui } from '../components/ui';
import { api, get } from '../lib/api';
import type { DeliveryWithAttempts } from '../lib/types';

const detailRoute = getRouteApi('/app/deliveries/$deliveryId');

export function DeliveryScreen() {
  const { deliveryId } = detailRoute.useParams();
  return (
    <Page
      title={`Delivery ${deliveryId}`}
      lede="One postback owed for one conversion event, and every try to send it."
    >
      <DeliveryAttempts deliveryId={deliveryId} />
    </Page>
  );
}

/** One delivery: its state, "Resend", and every attempt with request, answer, timing and error class. */
export function DeliveryAttempts(props: { deliveryId: string; headingLevel?: 2 | 3 }) {
  const queryClient = useQueryClient();
  const key = ['deliveries', props.deliveryId];
  const delivery = useQuery({
    queryKey: key,
    queryFn: () => get<DeliveryWithAttempts>(`/deliveries/${props.deliveryId}`),
  });
  const resend = useMutation({
    mutationFn: () => api<DeliveryWithAttempts>('POST', `/deliveries/${props.deliveryId}/retry`),
    onSuccess: (saved) => {
      queryClient.setQueryData(key, saved);
      void queryClient.invalidateQueries({ queryKey: ['deliveries', 'list'] });
    },
  });
  const H = props.headingLevel === 3 ? 'h3' : 'h2';
  return (
    <section className={`${ui.card} ${ui.stack}`} aria-label={`Delivery ${props.deliveryId}`}>
      <Loaded query={delivery} what="The delivery could not be loaded">
        {(d) => (
          <>
            <H style={{ margin: 0 }}>
              <Link to="/deliveries/$deliveryId" params={{ deliveryId: d.id }}>
                <span className={ui.mono}>{d.id}</span>
              </Link>{' '}
              <Badge status={d.status} />
            </H>
            <dl className={ui.dl}>
              <dt>Postback</dt>
              <dd>
                <Link to="/postbacks/$postbackId" params={{ postbackId: String(d.postbackId) }}>
                  #{d.postbackId}
                </Link>
              </dd>
              <dt>Conversion</dt>
              <dd>
                <Link to="/conversions/$conversionId" params={{ conversionId: d.conversionId }}>
                  {d.conversionId}
                </Link>
              </dd>
              <dt>Automatic attempts</dt>
              <dd>{d.attempts}</dd>
              {d.status === 'pending' && (
                <>
                  <dt>Next try</dt>
                  <dd>
                    <Time ms={d.nextRunAt} />
                  </dd>
                </>
              )}
            </dl>
            <div>
              <button
                type="button"
                className={ui.button}
                onClick={() => resend.mutate()}
                disabled={resend.isPending || !['pending', 'failed', 'succeeded'].includes(d.status)}
              >
                {resend.isPending ? 'Sending…' : 'Resend now'}
              </button>
            </div>
            {resend.error && <ErrorBanner error={resend.error} what="The resend failed" />}
            {d.attemptLog.length === 0 ? (
              <p className={ui.help}>No attempt yet.</p>
            ) : (
              <TableWrap label={`Attempts of ${d.id}`}>
                <table className={ui.table}>
                  <caption>Attempts of {d.id}</caption>
                  <thead>
                    <tr>
                      <th className={ui.num}>#</th>
                      <th>When</th>
                      <th>Trigger</th>
                      <th>Request</th>
                      <th className={ui.num}>Status</th>
                      <th>Answer</th>
                      <th className={ui.num}>Time</th>
                      <th>Error class</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.attemptLog.map((a) => (
                      <tr key={a.id}>
                        <td className={ui.num}>{a.attemptNo}</td>
                        <td>
                          <Time ms={a.createdAt} />
                        </td>
                        <td>{a.trigger}</td>
                        <td className={ui.mono} style={{ overflowWrap: 'anywhere', maxWidth: '28rem' }}>
                          {a.method} {a.url}
                          {a.requestBody ? ` · body: ${a.requestBody}` : ''}
                        </td>
                        <td className={ui.num}>{a.statusCode === 0 ? 'none' : a.statusCode}</td>
                        <td className={ui.mono} style={{ overflowWrap: 'anywhere', maxWidth: '20rem' }}>
                          {a.responseExcerpt || '(empty)'}
                          {a.responseTruncated ? ' …' : ''}
                        </td>
                        <td className={ui.num}>{a.durationMs} ms</td>
                        <td>
                          {a.errorClass ?? '—'}
                          {a.errorMessage ? `: ${a.errorMessage}` : ''}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}
