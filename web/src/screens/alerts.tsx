// Alerts: the inbox (what fired and cleared lately), the rules with their state, and a new-rule form.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { type Column, DataTable } from '../components/data-table';
import { FormFooter } from '../components/form-footer';
import { Badge, Field, Loaded, Page, Time, ui } from '../components/ui';
import {
  type AlertChannel,
  type AlertEvent,
  type AlertRule,
  KIND_PARAMS,
  KIND_TARGETS,
  RULE_KINDS,
  type RuleKind,
} from '../lib/alert-types';
import { api, get, plainMessage } from '../lib/api';

export const eventColumns: Column<AlertEvent>[] = [
  { header: 'When', accessorKey: 'createdAt', cell: (c) => <Time ms={c.row.original.createdAt} /> },
  {
    header: 'Rule',
    cell: (c) => (
      <Link to="/alerts/$ruleId" params={{ ruleId: String(c.row.original.ruleId) }}>
        {c.row.original.ruleName}
      </Link>
    ),
  },
  { header: 'Change', cell: (c) => <Badge status={c.row.original.transition} /> },
  { header: 'What', accessorKey: 'message' },
  {
    header: 'Sent',
    cell: (c) => {
      const n = c.row.original.notified;
      return `${n.filter((a) => a.ok).length} of ${n.length} channels`;
    },
  },
];

const ruleColumns: Column<AlertRule>[] = [
  {
    header: 'Rule',
    accessorKey: 'name',
    cell: (c) => (
      <Link to="/alerts/$ruleId" params={{ ruleId: String(c.row.original.id) }}>
        {c.row.original.name}
      </Link>
    ),
  },
  { header: 'Watches', cell: (c) => RULE_KINDS[c.row.original.kind] },
  {
    header: 'Target',
    cell: (c) => {
      const t = c.row.original.target;
      return t.type === 'all' ? 'Everything' : `${t.type} #${t.id}`;
    },
  },
  { header: 'Window', cell: (c) => `${c.row.original.windowMinutes} min` },
  {
    header: 'State',
    cell: (c) => (c.row.original.enabled ? <Badge status={c.row.original.state} /> : 'Off'),
  },
  { header: 'Last checked', cell: (c) => <Time ms={c.row.original.lastEvaluatedAt} /> },
];

function RuleForm(props: { channels: AlertChannel[]; onCreated: () => void }) {
  const [kind, setKind] = useState<RuleKind>('clicks_drop');
  const [name, setName] = useState('');
  const [targetType, setTargetType] = useState('all');
  const [targetId, setTargetId] = useState('');
  const [params, setParams] = useState<Record<string, string>>({});
  const [windowMinutes, setWindow] = useState('60');
  const [cooldown, setCooldown] = useState('60');
  const [channelIds, setChannelIds] = useState<number[]>([]);
  const [error, setError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () =>
      api('POST', '/alert-rules', {
        name,
        kind,
        target: targetType === 'all' ? { type: 'all' } : { type: targetType, id: Number(targetId) },
        params: Object.fromEntries(
          KIND_PARAMS[kind]
            .filter((p) => params[p.key] !== undefined && params[p.key] !== '')
            .map((p) => [p.key, Number(params[p.key])]),
        ),
        windowMinutes: Number(windowMinutes),
        cooldownMinutes: Number(cooldown),
        channelIds,
      }),
    onSuccess: () => {
      setName('');
      props.onCreated();
    },
    onError: (e) => setError(plainMessage(e)),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    create.mutate();
  }
  function chooseKind(next: RuleKind) {
    setKind(next);
    setParams({});
    if (!KIND_TARGETS[next].includes(targetType)) setTargetType('all');
  }
  return (
    <form className={`${ui.card} ${ui.stack}`} onSubmit={submit} noValidate>
      <h2>New rule</h2>
      <div className={ui.formGrid}>
        <Field label="Rule name">
          {(p) => (
            <input {...p} className={ui.input} value={name} onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
        <Field label="Condition">
          {(p) => (
            <select
              {...p}
              className={ui.input}
              value={kind}
              onChange={(e) => chooseKind(e.target.value as RuleKind)}
            >
              {Object.entries(RULE_KINDS).map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Target">
          {(p) => (
            <select
              {...p}
              className={ui.input}
              value={targetType}
              onChange={(e) => setTargetType(e.target.value)}
            >
              {KIND_TARGETS[kind].map((t) => (
                <option key={t} value={t}>
                  {t === 'all' ? 'Everything' : t}
                </option>
              ))}
            </select>
          )}
        </Field>
        {targetType !== 'all' && (
          <Field label={`${targetType} id`}>
            {(p) => (
              <input
                {...p}
                inputMode="numeric"
                className={ui.input}
                value={targetId}
                onChange={(e) => setTargetId(e.target.value)}
              />
            )}
          </Field>
        )}
        {KIND_PARAMS[kind].map((param) => (
          <Field key={param.key} label={param.label}>
            {(p) => (
              <input
                {...p}
                inputMode="decimal"
                className={ui.input}
                value={params[param.key] ?? ''}
                onChange={(e) => setParams({ ...params, [param.key]: e.target.value })}
              />
            )}
          </Field>
        ))}
        <Field
          label="Window (minutes)"
          help="Drops and spikes compare it with the same window a week earlier."
        >
          {(p) => (
            <input
              {...p}
              inputMode="numeric"
              className={ui.input}
              value={windowMinutes}
              onChange={(e) => setWindow(e.target.value)}
            />
          )}
        </Field>
        <Field label="Cooldown (minutes)" help="After it clears, the least time before it fires again.">
          {(p) => (
            <input
              {...p}
              inputMode="numeric"
              className={ui.input}
              value={cooldown}
              onChange={(e) => setCooldown(e.target.value)}
            />
          )}
        </Field>
      </div>
      <fieldset className={ui.stack}>
        <legend className={ui.label}>Send to</legend>
        {props.channels.length === 0 && (
          <p className={ui.help}>No channels yet: add one under Alert channels.</p>
        )}
        {props.channels.map((c) => (
          <label key={c.id} className={ui.row}>
            <input
              type="checkbox"
              checked={channelIds.includes(c.id)}
              onChange={(e) =>
                setChannelIds(e.target.checked ? [...channelIds, c.id] : channelIds.filter((x) => x !== c.id))
              }
            />
            {c.name}
          </label>
        ))}
      </fieldset>
      <FormFooter error={error} label="Create rule" pending={create.isPending} />
    </form>
  );
}

export function AlertsScreen() {
  const queryClient = useQueryClient();
  const events = useQuery({
    queryKey: ['alert-events'],
    queryFn: () => get<{ data: AlertEvent[] }>('/alert-events?limit=20'),
  });
  const rules = useQuery({
    queryKey: ['alert-rules'],
    queryFn: () => get<{ data: AlertRule[] }>('/alert-rules'),
  });
  const channels = useQuery({
    queryKey: ['alert-channels'],
    queryFn: () => get<{ data: AlertChannel[] }>('/alert-channels'),
  });
  return (
    <Page
      title="Alerts"
      lede="Rules watch traffic, conversions and deliveries; each fires once when its condition starts and once when it clears."
      actions={
        <Link to="/alert-channels" className={ui.button}>
          Alert channels
        </Link>
      }
    >
      <h2>Inbox</h2>
      <Loaded query={events} what="Alert history could not be loaded">
        {(page) => (
          <DataTable
            caption="Recent alerts"
            columns={eventColumns}
            data={page.data}
            empty={<p>Nothing has fired yet.</p>}
          />
        )}
      </Loaded>
      <h2>Rules</h2>
      <Loaded query={rules} what="Rules could not be loaded">
        {(page) => (
          <DataTable
            caption="Alert rules"
            columns={ruleColumns}
            data={page.data}
            empty={<p>No rules yet.</p>}
          />
        )}
      </Loaded>
      <Loaded query={channels} what="Channels could not be loaded">
        {(page) => (
          <RuleForm
            channels={page.data}
            onCreated={() => void queryClient.invalidateQueries({ queryKey: ['alert-rules'] })}
          />
        )}
      </Loaded>
    </Page>
  );
}
