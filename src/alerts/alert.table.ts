import type { Generated, Insertable, Selectable } from 'kysely';

export const CHANNEL_KINDS = ['webhook', 'slack', 'telegram', 'email'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export interface AlertChannelTable {
  id: Generated<number>;
  kind: ChannelKind;
  name: string;
  /** JSON: { url } (webhook, slack), { chatId } (telegram), { to } (email). */
  settings: string;
  /** The webhook's signing secret or the Telegram bot token; never returned by the API. */
  secret: string | null;
  created_at: number;
  updated_at: number;
}
export type AlertChannelRow = Selectable<AlertChannelTable>;
export type NewAlertChannelRow = Insertable<AlertChannelTable>;

export const RULE_KINDS = [
  'clicks_drop',
  'conversions_drop',
  'clicks_spike',
  'conversions_spike',
  'cr_band',
  'delivery_failure_rate',
  'endpoint_disabled',
  'oldest_pending',
  'inbound_rejection_rate',
  'reversal_rate',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export const TARGET_TYPES = ['all', 'advertiser', 'offer', 'publisher', 'postback', 'destination'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

export type RuleState = 'ok' | 'firing';

export interface AlertRuleTable {
  id: Generated<number>;
  name: string;
  kind: RuleKind;
  target_type: TargetType;
  target_id: number | null;
  /** JSON of the kind's thresholds (fraction, factor, min, max, percent, minAttempts, minutes). */
  params: string;
  window_minutes: number;
  cooldown_minutes: number;
  /** JSON array of alert channel ids. */
  channel_ids: string;
  enabled: number;
  state: RuleState;
  state_since: number | null;
  last_value: number | null;
  last_evaluated_at: number | null;
  last_transition_at: number | null;
  created_at: number;
  updated_at: number;
}
export type AlertRuleRow = Selectable<AlertRuleTable>;
export type NewAlertRuleRow = Insertable<AlertRuleTable>;

export interface AlertEventTable {
  id: Generated<number>;
  rule_id: number;
  transition: 'fired' | 'cleared';
  value: number | null;
  message: string;
  /** JSON array: per channel, what its receiver answered. */
  notified: string;
  created_at: number;
}
export type AlertEventRow = Selectable<AlertEventTable>;
