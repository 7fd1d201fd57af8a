// Beside the postback editor: "Test conversion" (fire now, show what came back) and enable /
// disable, releasing the deliveries held while it was off.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Badge, ErrorBanner, ui } from '../components/ui';
import { api } from '../lib/api';
import type { Postback, TestFire } from '../lib/types';

export function TestConversion(props: { postbackId: number }) {
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

export function EnableControls(props: { postback: Postback }) {
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
        State <Badge status={p.state === 'disabled' ? 'held' : p.state} />
      </h2>
      {p.disabledReason && <p className={ui.help}>Disabled after failures: {p.disabledReason}</p>}
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
