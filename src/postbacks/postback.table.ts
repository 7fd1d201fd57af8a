import type { Generated, Insertable, Selectable } from 'kysely';
import type { PostbackAudience } from '../auth/field-visibility.ts';

export type PostbackScope = 'global' | 'offer' | 'goal' | 'link';
export const POSTBACK_KINDS = ['url', 'meta_capi', 'tiktok_events', 'google_ads'] as const;
export type PostbackKind = (typeof POSTBACK_KINDS)[number];
export const VALUE_SOURCES = ['payout', 'revenue', 'sale_amount'] as const;
export type ValueSource = (typeof VALUE_SOURCES)[number];

/** An outbound postback: a publisher's endpoint, its template and its health. */
export interface PostbackTable {
  id: Generated<number>;
  publisher_id: number;
  /** Whose receiver it reaches: the publisher's, or the network's own tracker (set by an admin). */
  audience: Generated<PostbackAudience>;
  scope: PostbackScope;
  offer_id: number | null;
  goal: string | null;
  /** Set for link scope: the publisher's tracking link whose conversions it fires for (offer_id is that link's offer). */
  link_id: number | null;
  url: string;
  method: 'GET' | 'POST';
  body_format: 'none' | 'form' | 'json';
  body_template: string | null;
  /** JSON object of extra request headers (values may hold macros). */
  headers: string;
  /** JSON array of the statuses that fire it. */
  statuses: string;
  enabled: number;
  /** JSON array of query parameter, form field and JSON key names whose values are secret. */
  secret_params: string;
  /** JSON array of 1-based URL path segment positions whose text is secret. */
  secret_path_segments: string;
  /** Global scope only: also fire for offers that have their own postback. */
  fire_with_specific: number;
  timeout_ms: number;
  /** 0 = a 4xx other than 408/429 ends the delivery without retries. */
  retry_4xx: number;
  /** Endpoint health: 'active' or 'disabled' (410, or a long failure streak). */
  state: 'active' | 'disabled';
  disabled_reason: string | null;
  disabled_at: number | null;
  failure_streak: number;
  last_success_at: number | null;
  last_failure_at: number | null;
  created_at: number;
  updated_at: number;
  /** url: the URL template above; otherwise an ad platform's conversions API (url unused, ''). */
  kind: Generated<PostbackKind>;
  /** JSON object of the platform's settings that are not secret (pixel id, account ids…). */
  destination: string | null;
  /** The platform's secrets (tokens…), JSON encrypted with TRACKWIRE_SECRET_KEY (integrations/credential-box.ts). */
  credentials: string | null;
  /** JSON object: each stored secret's last four characters, which is all that is ever shown. */
  credential_hints: string | null;
  /** JSON array of {status, goal?, event}: which conversion event becomes which platform event. */
  event_map: Generated<string>;
  /** Which amount is sent as the event's value. */
  value_source: Generated<ValueSource>;
}
export type PostbackRow = Selectable<PostbackTable>;
export type NewPostbackRow = Insertable<PostbackTable>;
