import type { Generated, Insertable, Selectable } from 'kysely';

export interface AdvertiserTable {
  id: Generated<number>;
  name: string;
  /** Identifies the advertiser on /postback and authenticates it on its own URL. */
  postback_token: string;
  /** JSON array of CIDRs; empty means any source address. */
  ip_allowlist: string;
  /** JSON object: the advertiser's own status words → canonical status. */
  status_map: string;
  created_at: number;
  updated_at: number;
}
export type AdvertiserRow = Selectable<AdvertiserTable>;
export type NewAdvertiserRow = Insertable<AdvertiserTable>;
