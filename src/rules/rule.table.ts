import type { Generated, Selectable } from 'kysely';

export const RULE_SCOPES = ['all', 'advertiser', 'offer', 'publisher'] as const;
export type RuleScope = (typeof RULE_SCOPES)[number];
export const RULE_KINDS = [
  'payout_range',
  'payout_ratio',
  'sale_amount',
  'goal',
  'country_mismatch',
  'sub_id',
  'time_to_conversion',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
export const RULE_ACTIONS = ['hold', 'reject'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

/** An inbound rule: when its condition holds for a new conversion, the conversion is held or rejected. */
export interface InboundRuleTable {
  id: Generated<number>;
  /** Rules run in ascending position; the first that matches decides. */
  position: number;
  scope: RuleScope;
  /** The advertiser, offer or publisher id; null for scope 'all'. */
  scope_id: number | null;
  kind: RuleKind;
  /** JSON of the kind's parameters (see rule-conditions.ts). */
  params: string;
  action: RuleAction;
  /** Stable snake_case code recorded on the conversion and in the postback log. */
  reason_code: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}
export type InboundRuleRow = Selectable<InboundRuleTable>;

/** Parameters by kind; every bound is optional, a rule with none never matches. */
export interface RuleParams {
  /** payout_range, sale_amount: the amount sent is outside [min, max]. */
  min?: number;
  max?: number;
  /** payout_ratio: amount sent ÷ expected revenue is outside [minRatio, maxRatio]. */
  minRatio?: number;
  maxRatio?: number;
  /** goal: the goal is (in) or is not (notIn) one of these. */
  in?: string[];
  notIn?: string[];
  /** sub_id: which of the click's sub ids is compared with in / notIn. */
  sub?: string;
  /** time_to_conversion: seconds from click to conversion below min or above max. */
  minSeconds?: number;
  maxSeconds?: number;
}
