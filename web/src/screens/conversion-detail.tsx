// One conversion: its key facts, the manual status change with a reason, its status history, the
// inbound hits that made it, every delivery it caused with their attempts, and for each of the
// publisher's postbacks the answer to "why did (or didn't) it fire?".
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { type FormEvent, useId } from 'react';
import { formatDuration } from '../components/filter-form';
import { Badge, CopyButton, ErrorBanner, Loaded, Page, TableWrap, Time, ui } from '../components/ui';
import { api, get, query } from '../lib/api';
import { formatMoney } from '../lib/format';
import {
  type Page as ApiPage,
  type ConversionDetail,
  type ConversionEvent,
  type Delivery,
  type Diagnosis,
  type InboundHit,
  type Postback,
  type Role,
  STATUSES,
} from '../lib/types';
import { DeliveryAttempts } from './delivery-detail';
import { HitCard } from './inbound-hits';

const route = getRouteApi('/app/conversions/$conversionId');
const appRoute = getRouteApi('/app');
type WithHistory = ConversionDetail & { history: ConversionEvent[] };

export function ConversionScreen() {
  const { conversionId } = route.useParams();
  const { user } = appRoute.useRouteContext();
  const conversion = useQuery({
    queryKey: ['conversions', conversionId],
    queryFn: () => get<WithHistory>(`/conversions/${conversionId}`),
  });
  return (
    <Page title={`Conversion ${conversionId}`} lede="What happened to this conversion, and what it fired.">
      <Loaded query={conversion} what="The conversion could not be loaded">
        {(c) => <ConversionSections c={c} role={user.role} />}
      </Loaded>
    </Page>
  );
}

function ConversionSections(props: { c: WithHistory; role: Role }) {
  const { c, role } = props;
  return (
    <>
      <section className={`${ui.card} ${ui.stack}`} aria-label="Key facts">
        <dl className={ui.dl}>
          <dt>Status</dt>
          <dd>
            <Badge status={c.status} /> {c.statusRaw ? `(sent as "${c.statusRaw}")` : ''}
          </dd>
          <dt>Conversion id</dt>
          <dd className={ui.mono}>
            {c.id} <CopyButton text={c.id} label="Copy conversion id" />
          </dd>
          <dt>Click id</dt>
          <dd className={ui.mono}>
            {role === 'admin' ? (
              <Link to="/clicks/$clickId" params={{ clickId: c.clickId }}>
                {c.clickId}
              </Link>
            ) : (
              c.clickId
            )}{' '}
            <CopyButton text={c.clickId} label="Copy click id" />
          </dd>
          <dt>Txn id</dt>
          <dd className={ui.mono}>{c.txnId ?? '—'}</dd>
          <dt>Offer · goal</dt>
          <dd>
            #{c.offerId} · {c.goal}
          </dd>
          <dt>Publisher</dt>
          <dd>#{c.publisherId}</dd>
          {c.advertiserId !== undefined && (
            <>
              <dt>Advertiser</dt>
              <dd>#{c.advertiserId}</dd>
            </>
          )}
          {c.payout !== undefined && (
            <>
              <dt>Payout</dt>
              <dd>{formatMoney(c.payout, c.currency)}</dd>
            </>
          )}
          {c.revenue !== undefined && (
            <>
              <dt>Revenue</dt>
              <dd>{formatMoney(c.revenue, c.currency)}</dd>
            </>
          )}
          <dt>Clicked</dt>
          <dd>
            <Time ms={c.clickedAt} />
          </dd>
          <dt>Converted</dt>
          <dd>
            <Time ms={c.createdAt} /> (
            {formatDuration(c.clickedAt === null ? null : c.createdAt - c.clickedAt)} after the click)
          </dd>
        </dl>
      </section>
      {role === 'admin' && <StatusChange id={c.id} current={c.status} />}
      <History events={c.history} />
      {role !== 'publisher' && <Hits conversionId={c.id} />}
      {role !== 'advertiser' && <Deliveries conversionId={c.id} />}
      {role !== 'advertiser' && <WhyFired conversionId={c.id} publisherId={c.publisherId} />}
    </>
  );
}

function StatusChange(props: { id: string; current: string }) {
  const id = useId();
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: (body: { status: string; reason: string; override: boolean }) =>
      api<WithHistory>('POST', `/conversions/${props.id}/status`, body),
    onSuccess: (saved) => {
      queryClient.setQueryData(['conversions', props.id], saved);
      void queryClient.invalidateQueries({ queryKey: ['deliveries'] });
      void queryClient.invalidateQueries({ queryKey: ['diagnose', props.id] });
    },
  });
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    change.mutate({
      status: String(data.get('status')),
      reason: String(data.get('reason')).trim(),
      override: data.get('override') === 'on',
    });
  }
  return (
    <section className={`${ui.card} ${ui.stack}`} aria-labelledby={`${id}-t`}>
      <h2 id={`${id}-t`}>Change status</h2>
      <form onSubmit={submit} className={ui.stack}>
        <div className={ui.row} style={{ alignItems: 'flex-end', flexWrap: 'wrap' }}>
          <div className={ui.field}>
            <label className={ui.label} htmlFor={`${id}-s`}>
              New status
            </label>
            <select id={`${id}-s`} name="status" className={ui.input} defaultValue={props.current}>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </div>
          <div className={ui.field} style={{ flex: 1, minWidth: '16rem' }}>
            <label className={ui.label} htmlFor={`${id}-r`}>
              Reason
            </label>
            <input id={`${id}-r`} name="reason" className={ui.input} required maxLength={500} />
          </div>
        </div>
        <div className={ui.row}>
          <input id={`${id}-o`} name="override" type="checkbox" />
          <label htmlFor={`${id}-o`}>Override the lifecycle (e.g. bring back a reversed conversion)</label>
        </div>
        <p className={ui.help}>
          The change is recorded in the history with your reason, and fires the postbacks set for the new
          status.
        </p>
        <div>
          <button type="submit" className={`${ui.button} ${ui.primary}`} disabled={change.isPending}>
            Change status
          </button>
        </div>
      </form>
      {change.error && <ErrorBanner error={change.error} what="The status was not changed" />}
    </section>
  );
}

function History(props: { events: ConversionEvent[] }) {
  return (
    <section className={`${ui.card} ${ui.stack}`} aria-labelledby="history-t">
      <h2 id="history-t">Status history</h2>
      <TableWrap label="Status history">
        <table className={ui.table}>
          <caption className="visually-hidden">Status history</caption>
          <thead>
            <tr>
              <th>When</th>
              <th>From</th>
              <th>To</th>
              <th>Source</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {props.events.map((e) => (
              <tr key={e.id}>
                <td>
                  <Time ms={e.createdAt} />
                </td>
                <td>{e.fromStatus ? <Badge status={e.fromStatus} /> : 'new'}</td>
                <td>
                  <Badge status={e.toStatus} />
                </td>
                <td>
                  {e.source}
                  {e.actor ? ` by ${e.actor}` : ''}
                </td>
                <td>{e.reason ?? (e.statusRaw ? `sent as "${e.statusRaw}"` : '—')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </section>
  );
}

function Hits(props: { conversionId: string }) {
  const hits = useQuery({
    queryKey: ['postback-log', 'conversion', props.conversionId],
    queryFn: () =>
      get<ApiPage<InboundHit>>(`/postback-log${query({ conversionId: props.conversionId, limit: 100 })}`),
  });
  return (
    <section className={ui.stack} aria-labelledby="hits-t">
      <h2 id="hits-t">Inbound hits</h2>
      <Loaded query={hits} what="The hits could not be loaded">
        {(page) =>
          page.data.length === 0 ? (
            <p className={ui.help}>
              No logged hit names this conversion (it may have been recorded by hand).
            </p>
          ) : (
            <ol
              aria-label="Hits of this conversion"
              className={ui.stack}
              style={{ listStyle: 'none', padding: 0 }}
            >
              {page.data.map((h) => (
                <HitCard key={h.id} hit={h} level={3} />
              ))}
            </ol>
          )
        }
      </Loaded>
    </section>
  );
}

function Deliveries(props: { conversionId: string }) {
  const list = useQuery({
    queryKey: ['deliveries', 'list', { conversionId: props.conversionId }],
    queryFn: () =>
      get<ApiPage<Delivery>>(`/deliveries${query({ conversionId: props.conversionId, limit: 100 })}`),
  });
  return (
    <section className={ui.stack} aria-labelledby="deliveries-t">
      <h2 id="deliveries-t">Deliveries</h2>
      <Loaded query={list} what="The deliveries could not be loaded">
        {(page) =>
          page.data.length === 0 ? (
            <p className={ui.help}>
              This conversion caused no delivery. See below why each postback did not fire.
            </p>
          ) : (
            page.data.map((d) => <DeliveryAttempts key={d.id} deliveryId={d.id} headingLevel={3} />)
          )
        }
      </Loaded>
    </section>
  );
}

function WhyFired(props: { conversionId: string; publisherId: number }) {
  const postbacks = useQuery({
    queryKey: ['postbacks', 'of-publisher', props.publisherId],
    queryFn: () =>
      get<ApiPage<Postback>>(`/postbacks${query({ publisherId: props.publisherId, limit: 100 })}`),
  });
  return (
    <section className={ui.stack} aria-labelledby="why-t">
      <h2 id="why-t">Why did (or didn't) each postback fire?</h2>
      <Loaded query={postbacks} what="The publisher's postbacks could not be loaded">
        {(page) =>
          page.data.length === 0 ? (
            <p className={ui.help}>The publisher has no postback, so nothing fires for its conversions.</p>
          ) : (
            page.data.map((p) => <Diagnose key={p.id} postback={p} conversionId={props.conversionId} />)
          )
        }
      </Loaded>
    </section>
  );
}

function Diagnose(props: { postback: Postback; conversionId: string }) {
  const p = props.postback;
  const diagnosis = useQuery({
    queryKey: ['diagnose', props.conversionId, p.id],
    queryFn: () =>
      get<Diagnosis>(`/postbacks/${p.id}/diagnose${query({ conversionId: props.conversionId })}`),
  });
  return (
    <article className={`${ui.card} ${ui.stack}`} aria-label={`Postback #${p.id}`}>
      <h3 style={{ margin: 0 }}>
        <Link to="/postbacks/$postbackId" params={{ postbackId: String(p.id) }}>
          Postback #{p.id}
        </Link>{' '}
        <span className={ui.mono} style={{ fontWeight: 'normal', overflowWrap: 'anywhere' }}>
          {p.url}
        </span>
      </h3>
      <Loaded query={diagnosis} what="The diagnosis could not be made">
        {(d) => (
          <>
            <p style={{ margin: 0 }}>{d.summary}</p>
            <ul className={ui.stack} style={{ gap: '0.25rem', margin: 0 }}>
              {d.checks.map((check) => (
                <li key={check.check}>
                  <strong>{check.pass ? '✓ pass' : '✗ fail'}</strong> {check.check}: {check.message}
                </li>
              ))}
            </ul>
          </>
        )}
      </Loaded>
    </article>
  );
}
