import type { Generated, Insertable, Selectable } from 'kysely';

export type KeyRole = 'admin' | 'advertiser' | 'publisher';

export interface ApiKeyTable {
  id: Generated<number>;
  role: KeyRole;
  /** Set for advertiser keys: the only advertiser the key sees. */
  advertiser_id: number | null;
  /** Set for publisher keys: the only publisher the key sees. */
  publisher_id: number | null;
  /** SHA-256 of the key; the key itself is shown once and never stored. */
  key_hash: string;
  /** First characters, to tell keys apart in a list. */
  key_prefix: string;
  label: string | null;
  created_at: number;
  revoked_at: number | null;
}
export type ApiKeyRow = Selectable<ApiKeyTable>;
export type NewApiKeyRow = Insertable<ApiKeyTable>;
