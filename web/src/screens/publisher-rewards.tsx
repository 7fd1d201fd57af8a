// The rewards settings on a publisher's page: whether conversions credit points to the publisher's
// users, which sub id carries the user id, and how payout turns into points.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ErrorBanner, ui } from '../components/ui';
import { api } from '../lib/api';

export interface RewardSettings {
  enabled: boolean;
  userSubId: string;
  currency: string;
  pointsPerUnit: number;
  pointsPerGoal: Record<string, number>;
  rounding: 'floor' | 'round' | 'ceil';
  creditOn: 'approved' | 'pending';
  allowNegative: boolean;
}
const DEFAULTS: RewardSettings = {
  enabled: false,
  userSubId: 'sub1',
  currency: 'points',
  pointsPerUnit: 1,
  pointsPerGoal: {},
  rounding: 'floor',
  creditOn: 'approved',
  allowNegative: false,
};
const SUBS = Array.from({ length: 10 }, (_, i) => `sub${i + 1}`);

/** "goal=points" lines ↔ the per-goal map; undefined when a line does not parse. */
function parseGoals(text: string): Record<string, number> | undefined {
  const goals: Record<string, number> = {};
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line === '') continue;
    const match = /^([^=\s]+)\s*=\s*(\d+)$/.exec(line);
    if (!match) return undefined;
    goals[match[1]] = Number(match[2]);
  }
  return goals;
}

function Choice(props: { label: string; value: string; options: string[]; onChange: (v: string) => void }) {
  return (
    <label className={ui.label}>
      {props.label}
      <select className={ui.input} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

export function RewardSettingsForm(props: { publisherId: number; rewards?: RewardSettings | null }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<RewardSettings>({ ...DEFAULTS, ...(props.rewards ?? {}) });
  const [goals, setGoals] = useState(
    Object.entries(form.pointsPerGoal)
      .map(([g, p]) => `${g}=${p}`)
      .join('\n'),
  );
  const parsedGoals = parseGoals(goals);
  const save = useMutation({
    mutationFn: (rewards: RewardSettings) => api('PATCH', `/publishers/${props.publisherId}`, { rewards }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['publishers'] }),
  });
  const set = <K extends keyof RewardSettings>(key: K, value: RewardSettings[K]) =>
    setForm((prev) => ({ ...prev, [key]: value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (parsedGoals) save.mutate({ ...form, pointsPerGoal: parsedGoals });
  };
  return (
    <section className={`${ui.card} ${ui.stack}`} aria-labelledby="rewards-title">
      <h2 id="rewards-title">Rewards</h2>
      <form className={ui.formGrid} aria-label="Rewards settings" onSubmit={submit}>
        <label className={ui.label}>
          <input type="checkbox" checked={form.enabled} onChange={(e) => set('enabled', e.target.checked)} />{' '}
          Credit points to this publisher's users
        </label>
        <Choice
          label="User id sub"
          value={form.userSubId}
          options={SUBS}
          onChange={(v) => set('userSubId', v)}
        />
        <label className={ui.label}>
          Points name
          <input
            className={ui.input}
            value={form.currency}
            maxLength={40}
            onChange={(e) => set('currency', e.target.value)}
          />
        </label>
        <label className={ui.label}>
          Points per unit of payout
          <input
            className={ui.input}
            type="number"
            min={0}
            step="any"
            value={form.pointsPerUnit}
            onChange={(e) => set('pointsPerUnit', Number(e.target.value))}
          />
        </label>
        <Choice
          label="Rounding"
          value={form.rounding}
          options={['floor', 'round', 'ceil']}
          onChange={(v) => set('rounding', v as RewardSettings['rounding'])}
        />
        <Choice
          label="Credit on"
          value={form.creditOn}
          options={['approved', 'pending']}
          onChange={(v) => set('creditOn', v as RewardSettings['creditOn'])}
        />
        <label className={ui.label}>
          Fixed points per goal (one goal=points a line)
          <textarea
            className={ui.input}
            value={goals}
            aria-invalid={parsedGoals === undefined}
            onChange={(e) => setGoals(e.target.value)}
          />
        </label>
        <label className={ui.label}>
          <input
            type="checkbox"
            checked={form.allowNegative}
            onChange={(e) => set('allowNegative', e.target.checked)}
          />{' '}
          A reversal may take a balance below zero
        </label>
        <div>
          <button type="submit" className={ui.button} disabled={save.isPending || parsedGoals === undefined}>
            Save rewards settings
          </button>
        </div>
      </form>
      {parsedGoals === undefined ? <p className={ui.error}>Write each goal as goal=points.</p> : null}
      {save.isSuccess ? <p role="status">Rewards settings saved.</p> : null}
      {save.error ? <ErrorBanner error={save.error} what="The rewards settings were not saved" /> : null}
    </section>
  );
}
