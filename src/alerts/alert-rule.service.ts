// Alert rules: what is watched (kind + target), the thresholds, the window and the channels.
import type { Db } from '../db/database.types.ts';
import { AppError, notFound } from '../shared/errors.ts';
import type { RuleKind, TargetType } from './alert.table.ts';
import { listAlertChannels } from './alert-channel.repository.ts';
import { KIND_TARGETS } from './alert-conditions.ts';
import { findPostbackKind } from './alert-figures.repository.ts';
import { findAlertRule, insertAlertRule, updateAlertRule } from './alert-rule.repository.ts';
import { type AlertRule, type RuleParams, toAlertRule } from './alert-rule.view.ts';

export interface RuleInput {
  name: string;
  kind: RuleKind;
  target: { type: TargetType; id?: number };
  params?: RuleParams;
  windowMinutes: number;
  cooldownMinutes?: number;
  channelIds: number[];
  enabled?: boolean;
}

/** Which thresholds each kind needs (required) and accepts (optional). */
const PARAMS: Record<RuleKind, { required: (keyof RuleParams)[]; optional: (keyof RuleParams)[] }> = {
  clicks_drop: { required: [], optional: ['fraction', 'minBaseline'] },
  conversions_drop: { required: [], optional: ['fraction', 'minBaseline'] },
  clicks_spike: { required: ['factor'], optional: ['minBaseline'] },
  conversions_spike: { required: ['factor'], optional: ['minBaseline'] },
  cr_band: { required: ['min', 'max'], optional: ['minSample'] },
  delivery_failure_rate: { required: ['percent'], optional: ['minSample'] },
  inbound_rejection_rate: { required: ['percent'], optional: ['minSample'] },
  reversal_rate: { required: ['percent'], optional: ['minSample'] },
  endpoint_disabled: { required: [], optional: [] },
  oldest_pending: { required: ['minutes'], optional: [] },
};

function invalid(field: string, message: string): AppError {
  return new AppError('validation_failed', `${field}: ${message}`, { fields: [field] });
}

async function checkRuleInput(db: Db, input: RuleInput): Promise<void> {
  const { type, id } = input.target;
  if (!KIND_TARGETS[input.kind].includes(type))
    throw invalid('target.type', `a ${input.kind} rule watches ${KIND_TARGETS[input.kind].join(', ')}`);
  if (type === 'all' && id !== undefined) throw invalid('target.id', 'not taken with target "all"');
  if (type !== 'all' && id === undefined) throw invalid('target.id', `required for target "${type}"`);
  if (type === 'destination' && id !== undefined) {
    const kind = await findPostbackKind(db, id);
    if (kind === undefined || kind === 'url')
      throw invalid('target.id', `postback ${id} is not an ad-platform destination`);
  }
  const params = input.params ?? {};
  const spec = PARAMS[input.kind];
  for (const key of Object.keys(params) as (keyof RuleParams)[]) {
    if (!spec.required.includes(key) && !spec.optional.includes(key))
      throw invalid(`params.${key}`, `not a threshold of a ${input.kind} rule`);
  }
  for (const key of spec.required)
    if (params[key] === undefined) throw invalid(`params.${key}`, `required for a ${input.kind} rule`);
  if (params.fraction !== undefined && params.fraction >= 1) throw invalid('params.fraction', 'below 1');
  if (params.factor !== undefined && params.factor <= 1) throw invalid('params.factor', 'above 1');
  if (params.min !== undefined && params.max !== undefined && params.min >= params.max)
    throw invalid('params.min', 'below params.max');
  const known = new Set((await listAlertChannels(db, input.channelIds)).map((c) => Number(c.id)));
  const unknown = input.channelIds.filter((c) => !known.has(c));
  if (unknown.length) throw invalid('channelIds', `no alert channel ${unknown.join(', ')}`);
}

export async function createAlertRule(db: Db, input: RuleInput, now: number): Promise<AlertRule> {
  await checkRuleInput(db, input);
  const row = await insertAlertRule(db, {
    name: input.name,
    kind: input.kind,
    target_type: input.target.type,
    target_id: input.target.id ?? null,
    params: JSON.stringify(input.params ?? {}),
    window_minutes: input.windowMinutes,
    cooldown_minutes: input.cooldownMinutes ?? 60,
    channel_ids: JSON.stringify([...new Set(input.channelIds)]),
    enabled: input.enabled === false ? 0 : 1,
    state: 'ok',
    state_since: now,
    last_value: null,
    last_evaluated_at: null,
    last_transition_at: null,
    created_at: now,
    updated_at: now,
  });
  return toAlertRule(row);
}

export async function getAlertRule(db: Db, id: number): Promise<AlertRule> {
  const row = await findAlertRule(db, id);
  if (!row) throw notFound('alert rule');
  return toAlertRule(row);
}

/** Changes a rule; its state and history stay. */
export async function changeAlertRule(
  db: Db,
  id: number,
  patch: Partial<Omit<RuleInput, 'kind'>>,
  now: number,
): Promise<AlertRule> {
  const current = await getAlertRule(db, id);
  const next: RuleInput = {
    name: patch.name ?? current.name,
    kind: current.kind,
    target: patch.target ?? { type: current.target.type, id: current.target.id ?? undefined },
    params: patch.params ?? current.params,
    windowMinutes: patch.windowMinutes ?? current.windowMinutes,
    cooldownMinutes: patch.cooldownMinutes ?? current.cooldownMinutes,
    // A channel deleted since is dropped rather than refused, so the rule stays editable.
    channelIds:
      patch.channelIds ?? (await listAlertChannels(db, current.channelIds)).map((c) => Number(c.id)),
    enabled: patch.enabled ?? current.enabled,
  };
  await checkRuleInput(db, next);
  const row = await updateAlertRule(db, id, {
    name: next.name,
    target_type: next.target.type,
    target_id: next.target.id ?? null,
    params: JSON.stringify(next.params ?? {}),
    window_minutes: next.windowMinutes,
    cooldown_minutes: next.cooldownMinutes,
    channel_ids: JSON.stringify([...new Set(next.channelIds)]),
    enabled: next.enabled === false ? 0 : 1,
    updated_at: now,
  });
  if (!row) throw notFound('alert rule');
  return toAlertRule(row);
}
