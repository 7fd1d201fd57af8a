import type { Generated, Insertable, Selectable } from 'kysely';

export interface OfferTable {
  id: Generated<number>;
  advertiser_id: number;
  name: string;
  /** Destination URL template; macros are filled per click. */
  url: string;
  payout: number;
  revenue: number;
  currency: string;
  /** 1 = several conversions per (click, goal) are allowed when no txn id tells them apart. */
  allow_duplicates: number;
  click_lifetime_days: number;
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
  /** null = the offer's payout / revenue. */
  payout: number | null;
  revenue: number | null;
}
export type OfferGoalRow = Selectable<OfferGoalTable>;
export type NewOfferGoalRow = Insertable<OfferGoalTable>;
