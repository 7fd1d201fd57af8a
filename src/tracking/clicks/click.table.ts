import type { Generated, Insertable, Selectable } from 'kysely';

/** The publisher's sub ids, sub1…sub10. */
export const SUB_KEYS = [
  'sub1',
  'sub2',
  'sub3',
  'sub4',
  'sub5',
  'sub6',
  'sub7',
  'sub8',
  'sub9',
  'sub10',
] as const;
export type SubKey = (typeof SUB_KEYS)[number];
export type SubValues = Partial<Record<SubKey, string>>;

/** Ad platforms' click ids, each stored in a column of its own name. */
export const AD_CLICK_ID_PARAMS = ['fbclid', 'ttclid', 'gclid', 'gbraid', 'wbraid', 'msclkid'] as const;

export interface ClickTable {
  /** Time-sortable, unguessable id (see shared/ids.ts). */
  id: string;
  link_id: number;
  offer_id: number;
  publisher_id: number;
  advertiser_id: number;
  sub1: string | null;
  sub2: string | null;
  sub3: string | null;
  sub4: string | null;
  sub5: string | null;
  sub6: string | null;
  sub7: string | null;
  sub8: string | null;
  sub9: string | null;
  sub10: string | null;
  /** The publisher's own click id (cid / clickid / click_id / external_id on the link). */
  external_id: string | null;
  fbclid: string | null;
  ttclid: string | null;
  gclid: string | null;
  gbraid: string | null;
  wbraid: string | null;
  msclkid: string | null;
  ip: string | null;
  user_agent: string | null;
  device: string | null;
  os: string | null;
  browser: string | null;
  country: string | null;
  referrer: string | null;
  is_bot: number;
  created_at: number;
  /** 1 unless the same IP and user agent clicked the same link within the offer's uniqueness window. */
  is_unique: Generated<number>;
  /** The SmartLink that chose this click's offer (null: the link points at one offer). */
  smartlink_id: number | null;
  /** Which of its rules chose it (a rule id); 0 when no rule fitted and the fallback URL was used. */
  smartlink_rule: number | null;
  /** Meta's browser id (`fb.1.<ms>.<random>`) from the link's `fbp` or the `_fbp` cookie, as received. */
  fbp: string | null;
}
export type ClickRow = Selectable<ClickTable>;
export type NewClickRow = Insertable<ClickTable>;
