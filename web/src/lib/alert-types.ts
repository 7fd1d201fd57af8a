// Shapes of /api/v1/alert-channels, /alert-rules and /alert-events.
export type ChannelKind = 'webhook' | 'slack' | 'telegram' | 'email';

export interface AlertChannel {
  id: number;
  kind: ChannelKind;
  name: string;
  url?: string;
  chatId?: string;
  to?: string;
  botTokenSet?: boolean;
  createdAt: number;
}

export interface ChannelTestAnswer {
  ok: boolean;
  statusCode: number;
  answer: string;
}

export const RULE_KINDS = {
  clicks_drop: 'Clicks dropped (vs same window last week)',
  conversions_drop: 'Conversions dropped (vs same window last week)',
  clicks_spike: 'Clicks spiked (vs same window last week)',
  conversions_spike: 'Conversions spiked (vs same window last week)',
  cr_band: 'CR outside a band',
  delivery_failure_rate: 'Outbound failure rate',
  endpoint_disabled: 'Postback endpoint disabled',
  oldest_pending: 'Oldest pending delivery too old',
  inbound_rejection_rate: 'Inbound rejection rate',
  reversal_rate: 'Reversal rate',
} as const;
export type RuleKind = keyof typeof RULE_KINDS;

/** The thresholds each kind takes, with their labels. */
export const KIND_PARAMS: Record<RuleKind, { key: string; label: string }[]> = {
  clicks_drop: [{ key: 'fraction', label: 'Fire below this fraction of last week (0 = none at all)' }],
  conversions_drop: [{ key: 'fraction', label: 'Fire below this fraction of last week (0 = none at all)' }],
  clicks_spike: [{ key: 'factor', label: 'Fire above this many times last week' }],
  conversions_spike: [{ key: 'factor', label: 'Fire above this many times last week' }],
  cr_band: [
    { key: 'min', label: 'Lowest CR (%)' },
    { key: 'max', label: 'Highest CR (%)' },
  ],
  delivery_failure_rate: [{ key: 'percent', label: 'Failed attempts above (%)' }],
  endpoint_disabled: [],
  oldest_pending: [{ key: 'minutes', label: 'Older than (minutes)' }],
  inbound_rejection_rate: [{ key: 'percent', label: 'Rejected postbacks above (%)' }],
  reversal_rate: [{ key: 'percent', label: 'Reversed conversions above (%)' }],
};

export const KIND_TARGETS: Record<RuleKind, string[]> = {
  clicks_drop: ['all', 'advertiser', 'offer', 'publisher'],
  conversions_drop: ['all', 'advertiser', 'offer', 'publisher'],
  clicks_spike: ['all', 'advertiser', 'offer', 'publisher'],
  conversions_spike: ['all', 'advertiser', 'offer', 'publisher'],
  cr_band: ['all', 'advertiser', 'offer', 'publisher'],
  reversal_rate: ['all', 'advertiser', 'offer', 'publisher'],
  delivery_failure_rate: ['all', 'publisher', 'postback'],
  endpoint_disabled: ['all', 'publisher', 'postback'],
  oldest_pending: ['all', 'publisher', 'postback'],
  inbound_rejection_rate: ['all', 'advertiser'],
};

export interface AlertRule {
  id: number;
  name: string;
  kind: RuleKind;
  target: { type: string; id: number | null };
  params: Record<string, number>;
  windowMinutes: number;
  cooldownMinutes: number;
  channelIds: number[];
  enabled: boolean;
  state: 'ok' | 'firing';
  stateSince: number | null;
  lastValue: number | null;
  lastEvaluatedAt: number | null;
}

export interface AlertEvent {
  id: number;
  ruleId: number;
  ruleName: string;
  transition: 'fired' | 'cleared';
  value: number | null;
  message: string;
  notified: { channelId: number; ok: boolean; statusCode: number; answer: string }[];
  createdAt: number;
}
