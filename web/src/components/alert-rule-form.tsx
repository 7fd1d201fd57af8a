// The alert rule form: a new rule, or changes to one (its kind stays what it was).
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import {
  type AlertChannel,
  type AlertRule,
  KIND_PARAMS,
  KIND_TARGETS,
  RULE_KINDS,
  type RuleKind,
} from '../lib/alert-types';
import { api, plainMessage } from '../lib/api';
import { FormFooter } from './form-footer';
import { Field, ui } from './ui';

/** Creates a rule, or with `rule` changes it (its kind stays). */
export function RuleForm(props: { channels: AlertChannel[]; rule?: AlertRule; onSaved: () => void }) {
  const r = props.rule;
  const [kind, setKind] = useState<RuleKind>(r?.kind ?? 'clicks_drop');
  const [name, setName] = useState(r?.name ?? '');
  const [targetType, setTargetType] = useState(r?.target.type ?? 'all');
  const [targetId, setTargetId] = useState(r?.target.id ? String(r.target.id) : '');
  const [params, setParams] = useState<Record<string, string>>(
    Object.fromEntries(Object.entries(r?.params ?? {}).map(([k, v]) => [k, String(v)])),
  );
  const [windowMinutes, setWindow] = useState(String(r?.windowMinutes ?? 60));
  const [cooldown, setCooldown] = useState(String(r?.cooldownMinutes ?? 60));
  const [channelIds, setChannelIds] = useState<number[]>(r?.channelIds ?? []);
  const [error, setError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () =>
      api(r ? 'PATCH' : 'POST', r ? `/alert-rules/${r.id}` : '/alert-rules', {
        name,
        ...(r ? {} : { kind }),
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
      if (!r) setName('');
      props.onSaved();
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
      <h2>{r ? 'Change rule' : 'New rule'}</h2>
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
              disabled={r !== undefined}
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
      <FormFooter error={error} label={r ? 'Save rule' : 'Create rule'} pending={create.isPending} />
    </form>
  );
}
