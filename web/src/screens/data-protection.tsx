// Data protection: how long personal data is kept ("Retention"), who changed what ("Audit log"),
// and one visitor's data exported or erased on request ("Visitor data"). Admins only.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { type Column, DataTable } from '../components/data-table';
import { ConfirmButton } from '../components/dialogs';
import { ErrorBanner, Field, Loaded, Page, Time, ui } from '../components/ui';
import { api, get, plainMessage, query } from '../lib/api';
import { formatCount } from '../lib/format';
import type { Page as ApiPage, AuditEntry, RetentionSettings } from '../lib/types';

const days = (text: string) => (text.trim() === '' ? null : Number(text));

export function RetentionScreen() {
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['retention'], queryFn: () => get<RetentionSettings>('/retention') });
  const [anonymize, setAnonymize] = useState('');
  const [purge, setPurge] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    if (!settings.data) return;
    setAnonymize(settings.data.anonymizeAfterDays?.toString() ?? '');
    setPurge(settings.data.purgeBodiesAfterDays?.toString() ?? '');
  }, [settings.data]);
  const save = useMutation({
    mutationFn: () =>
      api<RetentionSettings>('PATCH', '/retention', {
        anonymizeAfterDays: days(anonymize),
        purgeBodiesAfterDays: days(purge),
      }),
    onSuccess: () => {
      setNotice('Saved.');
      void queryClient.invalidateQueries({ queryKey: ['retention'] });
    },
    onError: () => setNotice(null),
  });
  const run = useMutation({
    mutationFn: () => api<{ clicksAnonymized: number; logBodiesDeleted: number }>('POST', '/retention/run'),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['retention'] }),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    setNotice(null);
    save.mutate();
  }
  return (
    <Page
      title="Retention"
      lede="How long personal data is kept. Conversions, their history and every count stay."
    >
      <form className={`${ui.card} ${ui.stack}`} onSubmit={submit} noValidate>
        <div className={ui.formGrid}>
          <Field
            label="Anonymise clicks after (days)"
            help="IPs keep their /24 (IPv4) or /48 (IPv6); user agents are dropped. Empty: never."
            error={save.error ? plainMessage(save.error) : null}
          >
            {(p) => (
              <input
                {...p}
                type="number"
                min={1}
                className={ui.input}
                value={anonymize}
                onChange={(e) => setAnonymize(e.target.value)}
              />
            )}
          </Field>
          <Field
            label="Delete log bodies after (days)"
            help="Inbound postback bodies and delivery attempt bodies. Empty: never."
          >
            {(p) => (
              <input
                {...p}
                type="number"
                min={1}
                className={ui.input}
                value={purge}
                onChange={(e) => setPurge(e.target.value)}
              />
            )}
          </Field>
        </div>
        <div className={ui.row}>
          <button type="submit" className={`${ui.button} ${ui.primary}`} disabled={save.isPending}>
            Save retention
          </button>
          <button type="button" className={ui.button} disabled={run.isPending} onClick={() => run.mutate()}>
            Apply now
          </button>
        </div>
        {notice && <p role="status">{notice}</p>}
      </form>
      <Loaded query={settings} what="Retention could not be loaded">
        {(s) =>
          s.lastRun ? (
            <dl className={ui.dl}>
              <dt>Last applied</dt>
              <dd>
                <Time ms={s.lastRunAt} />
              </dd>
              <dt>Clicks anonymised</dt>
              <dd>{formatCount(s.lastRun.clicksAnonymized)}</dd>
              <dt>Bodies deleted</dt>
              <dd>{formatCount(s.lastRun.logBodiesDeleted + s.lastRun.attemptBodiesDeleted)}</dd>
            </dl>
          ) : (
            <p>Not applied yet; it runs daily.</p>
          )
        }
      </Loaded>
    </Page>
  );
}

export function AuditLogScreen() {
  const [cursors, setCursors] = useState<string[]>([]);
  const [resource, setResource] = useState('');
  const cursor = cursors.at(-1);
  const entries = useQuery({
    queryKey: ['audit-log', resource, cursor],
    queryFn: () => get<ApiPage<AuditEntry>>(`/audit-log${query({ resource, cursor, limit: 50 })}`),
  });
  const columns: Column<AuditEntry>[] = [
    { header: 'When', cell: (c) => <Time ms={c.row.original.at} /> },
    { header: 'Who', cell: (c) => `${c.row.original.actor} (${c.row.original.role}, ${c.row.original.via})` },
    {
      header: 'What',
      cell: (c) => <span className={ui.mono}>{`${c.row.original.method} ${c.row.original.path}`}</span>,
    },
    {
      header: 'Before / after',
      cell: (c) => (
        <details>
          <summary>Show</summary>
          <pre className={ui.pre}>
            {JSON.stringify({ before: c.row.original.before, after: c.row.original.after }, null, 2)}
          </pre>
        </details>
      ),
    },
  ];
  return (
    <Page
      title="Audit log"
      lede="Every change made through the API and the dashboard. Secrets are never shown."
    >
      <Field label="Resource">
        {(p) => (
          <input
            {...p}
            className={ui.input}
            value={resource}
            placeholder="advertisers, postbacks…"
            onChange={(e) => {
              setResource(e.target.value.trim());
              setCursors([]);
            }}
          />
        )}
      </Field>
      <Loaded query={entries} what="The audit log could not be loaded">
        {(page) => (
          <>
            <DataTable
              caption="Changes, newest first"
              columns={columns}
              data={page.data}
              empty={<p>No changes recorded.</p>}
            />
            <div className={ui.row}>
              <button
                type="button"
                className={ui.button}
                disabled={cursors.length === 0}
                onClick={() => setCursors(cursors.slice(0, -1))}
              >
                Newer
              </button>
              <button
                type="button"
                className={ui.button}
                disabled={!page.nextCursor}
                onClick={() => page.nextCursor && setCursors([...cursors, page.nextCursor])}
              >
                Older
              </button>
            </div>
          </>
        )}
      </Loaded>
    </Page>
  );
}

interface VisitorExport {
  clicks: unknown[];
  conversions: unknown[];
  conversionEvents: unknown[];
  postbackLog: unknown[];
}

export function VisitorDataScreen() {
  const [by, setBy] = useState<'clickId' | 'ip'>('clickId');
  const [value, setValue] = useState('');
  const [result, setResult] = useState<VisitorExport | null>(null);
  const [deleted, setDeleted] = useState<Record<string, number> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const q = () => query({ [by]: value.trim() });
  async function find(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setDeleted(null);
    try {
      setResult(await get<VisitorExport>(`/visitor-data${q()}`));
    } catch (e) {
      setError(e);
    }
  }
  async function erase() {
    try {
      setDeleted(await api<Record<string, number>>('DELETE', `/visitor-data${q()}`));
      setResult(null);
    } catch (e) {
      setError(e);
    }
  }
  const download =
    result && URL.createObjectURL(new Blob([JSON.stringify(result, null, 2)], { type: 'application/json' }));
  return (
    <Page
      title="Visitor data"
      lede="Answer a data-protection request: one visitor's clicks and conversions, by click id or IP."
    >
      <form className={`${ui.card} ${ui.stack}`} onSubmit={find} noValidate>
        <div className={ui.formGrid}>
          <Field label="Find by">
            {(p) => (
              <select
                {...p}
                className={ui.input}
                value={by}
                onChange={(e) => setBy(e.target.value as 'clickId' | 'ip')}
              >
                <option value="clickId">Click id</option>
                <option value="ip">IP address</option>
              </select>
            )}
          </Field>
          <Field label={by === 'ip' ? 'IP address' : 'Click id'}>
            {(p) => (
              <input {...p} className={ui.input} value={value} onChange={(e) => setValue(e.target.value)} />
            )}
          </Field>
        </div>
        <div>
          <button type="submit" className={`${ui.button} ${ui.primary}`} disabled={value.trim() === ''}>
            Find visitor data
          </button>
        </div>
      </form>
      {error !== null && <ErrorBanner error={error} />}
      {result && (
        <section className={`${ui.card} ${ui.stack}`} aria-label="Visitor data found">
          <p role="status">
            {formatCount(result.clicks.length)} clicks, {formatCount(result.conversions.length)} conversions
            found.
          </p>
          <div className={ui.row}>
            {download && (
              <a className={ui.button} href={download} download="visitor-data.json">
                Download export (JSON)
              </a>
            )}
            <ConfirmButton
              label="Delete this visitor's data"
              title="Delete this visitor's data?"
              description="Their clicks, conversions, history and deliveries are deleted for good. Reports will count them no more."
              confirmLabel="Delete for good"
              danger
              onConfirm={erase}
            />
          </div>
          <pre className={ui.pre}>{JSON.stringify(result, null, 2)}</pre>
        </section>
      )}
      {deleted && (
        <p role="status">
          Deleted {formatCount(deleted.clicks)} clicks and {formatCount(deleted.conversions)} conversions.
        </p>
      )}
    </Page>
  );
}
