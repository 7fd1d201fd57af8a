import type { Generated, Insertable, Selectable } from 'kysely';

export const STATUSES = ['pending', 'approved', 'rejected', 'declined', 'reversed'] as const;
export type Status = (typeof STATUSES)[number];

/** What a conversion id carries before its time-sortable part (shared/ids.ts). */
export const CONVERSION_ID_PREFIX = 'cv_';

/** The advertiser's sub1–sub10 as stored on a conversion (Everflow's names), offered as {adv1}…{adv10}. */
export const ADV_SUB_COLUMNS = [
  'adv1',
  'adv2',
  'adv3',
  'adv4',
  'adv5',
  'adv6',
  'adv7',
  'adv8',
  'adv9',
  'adv10',
] as const;
export type AdvSubColumn = (typeof ADV_SUB_COLUMNS)[number];
export const NO_ADV_SUBS: Readonly<Record<AdvSubColumn, null>> = Object.freeze(
  Object.fromEntries(ADV_SUB_COLUMNS.map((c) => [c, null])) as Record<AdvSubColumn, null>,
);

export interface ConversionTable {
  /** CONVERSION_ID_PREFIX and a newId made at created_at: id order is time order. */
  id: string;
  click_id: string;
  offer_id: number;
  publisher_id: number;
  advertiser_id: number;
  link_id: number;
  /** Goal key; "default" for the offer's default conversion. */
  goal: string;
  txn_id: string | null;
  /** Unique: (offer, goal, txn id), or (click, goal) without a txn id, or a fresh value when duplicates are allowed. */
  dedupe_key: string;
  status: Status;
  /** The word the advertiser sent, before mapping. */
  status_raw: string | null;
  payout: number;
  revenue: number;
  sale_amount: number | null;
  currency: string;
  needs_review: number;
  review_reason: string | null;
  adv1: string | null;
  adv2: string | null;
  adv3: string | null;
  adv4: string | null;
  adv5: string | null;
  adv6: string | null;
  adv7: string | null;
  adv8: string | null;
  adv9: string | null;
  adv10: string | null;
  created_at: number;
  updated_at: number;
}
export type ConversionRow = Selectable<ConversionTable>;
export type NewConversionRow = Insertable<ConversionTable>;

/** One step of a conversion's history; every event may owe postbacks (deliveries). */
export interface ConversionEventTable {
  id: Generated<number>;
  conversion_id: string;
  from_status: Status | null;
  to_status: Status;
  status_raw: string | null;
  payout: number;
  /** override: an admin moved it where the lifecycle does not allow (reversed → approved…). */
  source: 'postback' | 'manual' | 'override';
  reason: string | null;
  postback_log_id: number | null;
  /** Who made a manual change: `key:<id>`, or `env` for TRACKWIRE_ADMIN_KEY; null for postbacks. */
  actor: string | null;
  created_at: number;
}
export type ConversionEventRow = Selectable<ConversionEventTable>;
export type NewConversionEventRow = Insertable<ConversionEventTable>;

/** Every inbound postback hit, whatever its result. */
export interface PostbackLogTable {
  id: Generated<number>;
  received_at: number;
  method: string;
  /** Path and query as received, secrets redacted. */
  url: string;
  ip: string | null;
  /** http or https as seen by us (or by a trusted proxy). */
  scheme: string;
  /** JSON of the headers of interest. */
  headers: string;
  body: string | null;
  advertiser_id: number | null;
  result: 'accepted' | 'duplicate' | 'rejected';
  code: string;
  http_status: number;
  conversion_id: string | null;
  /** 1 when it came over plain HTTP while HTTPS-only is configured. */
  insecure: number;
  /** The click id and txn id the hit named (any alias), as sent, cut to 255 characters. */
  click_id: string | null;
  txn_id: string | null;
  /** The reason code of the inbound rule that held or rejected the conversion. */
  reason?: string | null;
}
export type PostbackLogRow = Selectable<PostbackLogTable>;
export type NewPostbackLogRow = Insertable<PostbackLogTable>;
