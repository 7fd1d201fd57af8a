// An alert rule as the evaluator and the API see it (JSON columns parsed).
import type { AlertRuleRow, RuleKind, RuleState, TargetType } from './alert.table.ts';

export interface RuleParams {
  /** drops: fire when the window holds fewer than this fraction of last week's (0: none at all). */
  fraction?: number;
  /** spikes: fire when the window holds more than factor × last week's. */
  factor?: number;
  /** drops and spikes: last week's window must hold at least this many to count as normal traffic. */
  minBaseline?: number;
  /** cr_band: the band, in percent. */
  min?: number;
  max?: number;
  /** rates: their threshold in percent. */
  percent?: number;
  /** The least sample a rate or a CR is judged on (clicks, attempts, requests or conversions). */
  minSample?: number;
  /** oldest_pending: minutes. */
  minutes?: number;
}

export interface AlertRule {
  id: number;
  name: string;
  kind: RuleKind;
  target: { type: TargetType; id: number | null };
  params: RuleParams;
  windowMinutes: number;
  cooldownMinutes: number;
  channelIds: number[];
  enabled: boolean;
  state: RuleState;
  stateSince: number | null;
  lastValue: number | null;
  lastEvaluatedAt: number | null;
  lastTransitionAt: number | null;
  createdAt: number;
  updatedAt: number;
}

const num = (v: number | string | null) => (v === null ? null : Number(v));

export function toAlertRule(row: AlertRuleRow): AlertRule {
  return {
    id: Number(row.id),
    name: row.name,
    kind: row.kind,
    target: { type: row.target_type, id: row.target_id === null ? null : Number(row.target_id) },
    params: JSON.parse(row.params) as RuleParams,
    windowMinutes: Number(row.window_minutes),
    cooldownMinutes: Number(row.cooldown_minutes),
    channelIds: JSON.parse(row.channel_ids) as number[],
    enabled: row.enabled === 1,
    state: row.state,
    stateSince: num(row.state_since),
    lastValue: num(row.last_value),
    lastEvaluatedAt: num(row.last_evaluated_at),
    lastTransitionAt: num(row.last_transition_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
