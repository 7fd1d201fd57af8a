import type { Generated, Insertable, Selectable } from 'kysely';
import type { PayoutType } from './payout-terms.ts';

export interface OfferTable {
  id: Generated<number>;
  advertiser_id: number;
  name: string;
  /** Destination URL template; macros are filled per click. */
  url: string;
  /** fixed: payout is an amount; revshare: payout is a percent of the conversion's revenue. */
  payout_type: Generated<PayoutType>;
  payout: number;
  revenue: number;
  currency: string;
  /** 1 = several conversions per (click, goal) are allowed when no txn id tells them apart. */
  allow_duplicates: number;
  click_lifetime_days: number;
  /** A click is unique unless the same IP and user agent clicked the same link this many hours before. */
  unique_window_hours: Generated<number>;
  created_at: number;
  updated_at: number;
}
export type OfferRow = Selectable<OfferTable>;
export type NewOfferRow = Insertable<OfferTable>;

/** A conversion event of an offer other than the default one (install, registration, purchase…). */
export interface OfferGoalTable {
  id: Generated<number>;
  offer_id: number;
  key: string;
  name: string;
  /** How payout is read, when the goal has its own payout. */
  payout_type: Generated<PayoutType>;
  /** null = the offer's payout (or the publisher's override of it) / revenue. */
  payout: number | null;
  revenue: number | null;
}
export type OfferGoalRow = Selectable<OfferGoalTable>;
export type NewOfferGoalRow = Insertable<OfferGoalTable>;

/** What one publisher earns on an offer instead of the offer's own payout. */
export interface OfferPublisherPayoutTable {
  id: Generated<number>;
  offer_id: number;
  publisher_id: number;
  payout_type: PayoutType;
  payout: number;
}
export type OfferPublisherPayoutRow = Selectable<OfferPublisherPayoutTable>;
