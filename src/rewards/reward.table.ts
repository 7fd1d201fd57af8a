import type { Generated, Insertable, Selectable } from 'kysely';

export const REWARD_KINDS = ['credit', 'reversal', 'adjustment', 'redemption'] as const;
export type RewardKind = (typeof REWARD_KINDS)[number];
export const REWARD_ROUNDINGS = ['floor', 'round', 'ceil'] as const;
export type RewardRounding = (typeof REWARD_ROUNDINGS)[number];
export const CREDIT_ON = ['approved', 'pending'] as const;
export type CreditOn = (typeof CREDIT_ON)[number];

/** A publisher's rewards settings: one row per publisher that ever turned rewards on. */
export interface RewardSettingsTable {
  publisher_id: number;
  enabled: number;
  /** sub1…sub10: the click's sub id that carries the rewards site's user id. */
  user_sub_id: string;
  currency: string;
  /** Points per unit of the publisher's payout. */
  points_per_unit: number;
  /** JSON object goal key → fixed points, which wins over points_per_unit for that goal. */
  points_per_goal: string;
  rounding: RewardRounding;
  credit_on: CreditOn;
  allow_negative: number;
  updated_at: number;
}
export type RewardSettingsRow = Selectable<RewardSettingsTable>;

/** The ledger: rows are only ever inserted. */
export interface RewardEntryTable {
  id: Generated<number>;
  publisher_id: number;
  user_id: string;
  kind: RewardKind;
  /** Signed whole points. */
  points: number;
  /** The user's balance once this entry was written. */
  balance_after: number;
  conversion_id: string | null;
  /** The status event that caused a credit or a reversal. */
  conversion_event_id: number | null;
  /** The conversion's status when the entry was written. */
  status: string | null;
  /** A reversal: the credit it undoes. */
  reverses: number | null;
  /** 1 when the entry left the balance below zero, or a reversal could not take it all back. */
  flagged: number;
  reason: string | null;
  /** Unique: the same cause can never write a second entry. */
  idempotency_key: string;
  actor: string | null;
  created_at: number;
}
export type RewardEntryRow = Selectable<RewardEntryTable>;
export type NewRewardEntryRow = Insertable<RewardEntryTable>;

export interface RewardBalanceTable {
  publisher_id: number;
  user_id: string;
  balance: number;
  updated_at: number;
}

/** Settings as the API shows them. */
export interface RewardSettings {
  enabled: boolean;
  userSubId: string;
  currency: string;
  pointsPerUnit: number;
  pointsPerGoal: Record<string, number>;
  rounding: RewardRounding;
  creditOn: CreditOn;
  allowNegative: boolean;
}
