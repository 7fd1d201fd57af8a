import type { Generated, Selectable } from 'kysely';

export const CAP_PERIODS = ['day', 'month', 'total'] as const;
export type CapPeriod = (typeof CAP_PERIODS)[number];
export const CAP_METRICS = ['conversions', 'payout'] as const;
export type CapMetric = (typeof CAP_METRICS)[number];
export const CAP_ACTIONS = ['hold', 'reject'] as const;
export type CapAction = (typeof CAP_ACTIONS)[number];
/** Where a click goes once its cap is reached: on to the offer, or to the cap's fallback URL. */
export const CAP_CLICK_ACTIONS = ['offer', 'fallback'] as const;
export type CapClickAction = (typeof CAP_CLICK_ACTIONS)[number];

/** A cap on an offer (publisher_id null) or on one publisher's traffic to it. */
export interface OfferCapTable {
  id: Generated<number>;
  offer_id: number;
  publisher_id: number | null;
  period: CapPeriod;
  metric: CapMetric;
  cap_limit: number;
  /** What happens to a conversion over the cap. */
  over_action: CapAction;
  /** What a single-offer link's click does once the cap is reached (SmartLinks always skip the offer). */
  click_action: CapClickAction;
  /** Where clicks go when click_action is 'fallback'; click macros allowed. */
  fallback_url: string | null;
  created_at: number;
}
export type OfferCapRow = Selectable<OfferCapTable>;

/** What a cap has used in one period ('2026-03-01', '2026-03' or 'total'); the row lock orders takers. */
export interface CapUsageTable {
  cap_id: number;
  period_key: string;
  used: number;
}
