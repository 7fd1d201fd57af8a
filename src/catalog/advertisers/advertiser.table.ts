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
  /** Names the advertiser on /postback?network=…: a lowercase slug, unique; null = token URLs only. */
  network: string | null;
  /** Name of an inbound preset (inbound-presets.ts) whose parameter names apply; null = none. */
  parameter_preset: string | null;
  /** JSON object: field → the advertiser's own parameter name (or null: not read), over the preset. */
  parameter_map: Generated<string>;
  /** The secret a network signs its callbacks with (the preset says how); null = none set. */
  signature_secret: string | null;
  created_at: number;
  updated_at: number;
}
export type AdvertiserRow = Selectable<AdvertiserTable>;
export type NewAdvertiserRow = Insertable<AdvertiserTable>;
