// "Discrepancy check": upload a network's conversion export, map its columns, read the report
// (per row and per day × offer), and create the missing conversions or accept the network's status.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { type FormEvent, Fragment, useState } from 'react';
import { type Column, DataTable } from '../components/data-table';
import { ErrorBanner, Field, Loaded, Page, ui } from '../components/ui';
import { api, get, plainMessage, query, upload } from '../lib/api';
import { formatCount } from '../lib/format';
import { useAdvertiserChoices } from '../lib/queries';
import type { Page as ApiPage, ColumnMapping, DayOfferRow, Finding, Reconciliation } from '../lib/types';

const FORMATS = [
  ['everflow', 'Everflow'],
  ['tune', 'HasOffers / TUNE'],
  ['affise', 'Affise'],
  ['keitaro', 'Keitaro'],
  ['custom', 'Other (map the columns)'],
] as const;
const FIELDS = [
  ['clickId', 'Our click id (sub id column)'],
  ['txnId', 'Transaction id'],
  ['time', 'Conversion time'],
  ['status', 'Status'],
  ['amount', 'Payout'],
] as const;
const KINDS: Record<string, string> = {
  missing_ours: 'Missing on our side',
  missing_theirs: 'Missing on theirs',
  status_mismatch: 'Status differs',
  payout_mismatch: 'Payout differs',
  day_shifted: 'Day shifted by time zone',
};
const PREVIEW_BYTES = 64 * 1024;
const today = () => new Date().toISOString().slice(0, 10);

interface SavedPreset {
  id: number;
  name: string;
  format: string;
  mapping: ColumnMapping;
  timeZone: string;
  currency: string;
}

interface Preview {
  header: string[];
  detectedFormat: string;
  mapping: ColumnMapping;
}

function UploadForm(props: { onDone: (r: Reconciliation) => void }) {
  const advertisers = useAdvertiserChoices();
  const [advertiserId, setAdvertiserId] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [format, setFormat] = useState('custom');
  const [mapping, setMapping] = useState<ColumnMapping>({});
  const [timeZone, setTimeZone] = useState('UTC');
  const [currency, setCurrency] = useState('USD');
  const [from, setFrom] = useState(today());
  const [to, setTo] = useState(today());
  const [presetName, setPresetName] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const presets = useQuery({
    queryKey: ['reconciliations', 'presets', advertiserId],
    queryFn: () => get<{ saved: SavedPreset[] }>(`/reconciliations/presets${query({ advertiserId })}`),
    enabled: advertiserId !== '',
  });
  function applyPreset(id: string) {
    const preset = presets.data?.saved.find((p) => String(p.id) === id);
    if (!preset) return;
    setFormat(preset.format);
    setMapping(preset.mapping);
    setTimeZone(preset.timeZone);
    setCurrency(preset.currency);
    setPresetName(preset.name);
  }

  async function choose(chosen: File | null) {
    setFile(chosen);
    setPreview(null);
    setError(null);
    if (!chosen) return;
    try {
      const head = chosen.slice(0, PREVIEW_BYTES);
      const text = await head.text();
      // Only whole lines: the preview must not end inside a record.
      const cut = chosen.size > PREVIEW_BYTES ? text.slice(0, text.lastIndexOf('\n') + 1) : text;
      const p = await upload<Preview>('/reconciliations/preview', new Blob([cut]), 'text/csv', () => {});
      setPreview(p);
      // A saved preset chosen first wins over the detected one.
      if (!presetName) {
        setFormat(p.detectedFormat);
        setMapping(p.mapping);
      }
    } catch (e) {
      setError(e);
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file || !advertiserId) return setError(new Error('Choose the advertiser and the export file.'));
    setError(null);
    setProgress(0);
    try {
      const q = query({
        advertiserId,
        format,
        timeZone,
        currency,
        from,
        to,
        presetName,
        clickIdColumn: mapping.clickId,
        txnIdColumn: mapping.txnId,
        timeColumn: mapping.time,
        statusColumn: mapping.status,
        amountColumn: mapping.amount,
      });
      props.onDone(await upload<Reconciliation>(`/reconciliations${q}`, file, 'text/csv', setProgress));
    } catch (e) {
      setError(e);
    } finally {
      setProgress(null);
    }
  }

  return (
    <form className={`${ui.card} ${ui.stack}`} onSubmit={submit} noValidate>
      <h2>New check</h2>
      <div className={ui.formGrid}>
        <Field label="Advertiser">
          {(p) => (
            <select
              {...p}
              className={ui.input}
              value={advertiserId}
              onChange={(e) => setAdvertiserId(e.target.value)}
            >
              <option value="">Choose…</option>
              {advertisers.data?.data.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        {(presets.data?.saved.length ?? 0) > 0 && (
          <Field label="Saved preset">
            {(p) => (
              <select
                {...p}
                className={ui.input}
                defaultValue=""
                onChange={(e) => applyPreset(e.target.value)}
              >
                <option value="">None</option>
                {presets.data?.saved.map((preset) => (
                  <option key={preset.id} value={preset.id}>
                    {preset.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label="Conversion export (CSV)" help="The network's conversion report for the dates below.">
          {(p) => (
            <input
              {...p}
              type="file"
              accept=".csv,text/csv"
              className={ui.input}
              onChange={(e) => void choose(e.target.files?.[0] ?? null)}
            />
          )}
        </Field>
        <Field label="Export format">
          {(p) => (
            <select {...p} className={ui.input} value={format} onChange={(e) => setFormat(e.target.value)}>
              {FORMATS.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Export time zone" help="IANA name, e.g. UTC or America/New_York.">
          {(p) => (
            <input
              {...p}
              className={ui.input}
              value={timeZone}
              onChange={(e) => setTimeZone(e.target.value)}
            />
          )}
        </Field>
        <Field label="Export currency">
          {(p) => (
            <input
              {...p}
              className={ui.input}
              value={currency}
              maxLength={3}
              onChange={(e) => setCurrency(e.target.value.toUpperCase())}
            />
          )}
        </Field>
        <Field label="From (day)">
          {(p) => (
            <input
              {...p}
              type="date"
              className={ui.input}
              value={from}
              onChange={(e) => setFrom(e.target.value)}
            />
          )}
        </Field>
        <Field label="To (day)">
          {(p) => (
            <input
              {...p}
              type="date"
              className={ui.input}
              value={to}
              onChange={(e) => setTo(e.target.value)}
            />
          )}
        </Field>
        <Field label="Save mapping as preset (optional)">
          {(p) => (
            <input
              {...p}
              className={ui.input}
              value={presetName}
              onChange={(e) => setPresetName(e.target.value)}
            />
          )}
        </Field>
      </div>
      {preview && (
        <fieldset className={ui.stack}>
          <legend>Columns</legend>
          <div className={ui.formGrid}>
            {FIELDS.map(([field, label]) => (
              <Field key={field} label={label}>
                {(p) => (
                  <select
                    {...p}
                    className={ui.input}
                    value={mapping[field] ?? ''}
                    onChange={(e) => setMapping({ ...mapping, [field]: e.target.value || undefined })}
                  >
                    <option value="">—</option>
                    {preview.header.map((h) => (
                      <option key={h} value={h}>
                        {h}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            ))}
          </div>
        </fieldset>
      )}
      {progress !== null && (
        <label className={ui.stack}>
          Upload progress
          <progress max={1} value={progress}>
            {Math.round(progress * 100)} %
          </progress>
        </label>
      )}
      {error !== null && <ErrorBanner error={error} />}
      <div>
        <button
          type="submit"
          className={`${ui.button} ${ui.primary}`}
          disabled={progress !== null || !preview}
        >
          Check export
        </button>
      </div>
    </form>
  );
}

const pct = (v: number | null) => (v === null ? '—' : `${v > 0 ? '+' : ''}${v} %`);

function Report(props: { check: Reconciliation }) {
  const { check } = props;
  const queryClient = useQueryClient();
  const [kind, setKind] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const findings = useQuery({
    queryKey: ['reconciliations', check.id, 'findings', kind],
    queryFn: () =>
      get<ApiPage<Finding>>(`/reconciliations/${check.id}/findings${query({ kind, limit: 500 })}`),
  });
  const act = useMutation({
    mutationFn: (action: 'create-missing' | 'accept-status') =>
      api<{ outcomes: { resolution: string }[] }>('POST', `/reconciliations/${check.id}/${action}`),
    onSuccess: (r, action) => {
      const done = r.outcomes.filter((o) => o.resolution !== 'failed').length;
      const verb = action === 'create-missing' ? 'Created' : 'Accepted';
      setNotice(`${verb} ${done} of ${r.outcomes.length}.`);
      void queryClient.invalidateQueries({ queryKey: ['reconciliations', check.id] });
    },
    onError: (e) => setNotice(plainMessage(e)),
  });
  const dayColumns: Column<DayOfferRow>[] = [
    { header: 'Day', accessorKey: 'day' },
    { header: 'Offer', cell: (c) => c.row.original.offerId ?? 'unknown' },
    { header: 'Ours', accessorKey: 'ourCount', meta: { numeric: true } },
    { header: 'Theirs', accessorKey: 'theirCount', meta: { numeric: true } },
    { header: 'Count diff', cell: (c) => pct(c.row.original.countDiffPercent), meta: { numeric: true } },
    { header: 'Our sum', accessorKey: 'ourAmount', meta: { numeric: true } },
    { header: 'Their sum', accessorKey: 'theirAmount', meta: { numeric: true } },
    { header: 'Sum diff', cell: (c) => pct(c.row.original.amountDiffPercent), meta: { numeric: true } },
  ];
  const findingColumns: Column<Finding>[] = [
    { header: 'Finding', cell: (c) => KINDS[c.row.original.kind] ?? c.row.original.kind },
    { header: 'Line', accessorKey: 'line', meta: { numeric: true } },
    { header: 'Day', accessorKey: 'day' },
    { header: 'Click id', cell: (c) => <span className={ui.mono}>{c.row.original.clickId}</span> },
    { header: 'Transaction', accessorKey: 'txnId' },
    {
      header: 'Status (ours / theirs)',
      cell: (c) => `${c.row.original.ourStatus ?? '—'} / ${c.row.original.theirStatus ?? '—'}`,
    },
    {
      header: 'Payout (ours / theirs)',
      cell: (c) => `${c.row.original.ourAmount ?? '—'} / ${c.row.original.theirAmount ?? '—'}`,
    },
    { header: 'Done', cell: (c) => c.row.original.resolution ?? '' },
  ];
  return (
    <section className={ui.stack} aria-labelledby="report-title">
      <h2 id="report-title">
        Report: {formatCount(check.rowsRead)} rows, {check.from} to {check.to} ({check.timeZone},{' '}
        {check.currency})
      </h2>
      <dl className={ui.dl}>
        {Object.entries(KINDS).map(([k, label]) => (
          <Fragment key={k}>
            <dt>{label}</dt>
            <dd>{formatCount(check.counts[k] ?? 0)}</dd>
          </Fragment>
        ))}
      </dl>
      <DataTable
        caption="Per day and offer"
        columns={dayColumns}
        data={check.days}
        empty={<p>No conversions on either side.</p>}
      />
      <div className={ui.row}>
        <button
          type="button"
          className={ui.button}
          disabled={act.isPending}
          onClick={() => act.mutate('create-missing')}
        >
          Create missing conversions
        </button>
        <button
          type="button"
          className={ui.button}
          disabled={act.isPending}
          onClick={() => act.mutate('accept-status')}
        >
          Accept their status
        </button>
        <Field label="Show">
          {(p) => (
            <select {...p} className={ui.input} value={kind} onChange={(e) => setKind(e.target.value)}>
              <option value="">Every finding</option>
              {Object.entries(KINDS).map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {notice && <p role="status">{notice}</p>}
      <Loaded query={findings} what="Findings could not be loaded">
        {(page) => (
          <DataTable
            caption="Findings"
            columns={findingColumns}
            data={page.data}
            empty={<p>No differences.</p>}
          />
        )}
      </Loaded>
    </section>
  );
}

export function ReconciliationScreen() {
  const { id } = useSearch({ from: '/app/reconciliations' });
  const navigate = useNavigate();
  const check = useQuery({
    queryKey: ['reconciliations', id],
    queryFn: () => get<Reconciliation>(`/reconciliations/${id}`),
    enabled: id !== undefined,
  });
  return (
    <Page
      title="Discrepancy check"
      lede="Compare a network's conversion export with what we recorded. 1–3 % apart is normal."
    >
      <UploadForm onDone={(r) => void navigate({ to: '/reconciliations', search: { id: r.id } })} />
      {id !== undefined && (
        <Loaded query={check} what="The report could not be loaded">
          {(c) => <Report check={c} />}
        </Loaded>
      )}
    </Page>
  );
}
