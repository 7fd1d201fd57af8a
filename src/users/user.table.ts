import type { Generated, Insertable, Selectable } from 'kysely';
import type { KeyRole } from '../auth/api-key.table.ts';

export type UserRole = KeyRole;

export interface UserTable {
  id: Generated<number>;
  /** Lower-cased; the sign-in name. */
  email: string;
  /** scrypt$N$r$p$salt$hash (base64url); the password itself is never stored. */
  password_hash: string;
  role: UserRole;
  /** Set for advertiser users: the only advertiser they see. */
  advertiser_id: number | null;
  /** Set for publisher users: the only publisher they see. */
  publisher_id: number | null;
  created_at: number;
  updated_at: number;
  disabled_at: number | null;
}
export type UserRow = Selectable<UserTable>;
export type NewUserRow = Insertable<UserTable>;

export interface UserSessionTable {
  /** SHA-256 of the cookie's token; the token itself is never stored. */
  id: string;
  user_id: number;
  /** Sent back in the x-csrf-token header on every change made with this session. */
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  /** Absolute end, whatever the activity. */
  expires_at: number;
  revoked_at: number | null;
}
export type UserSessionRow = Selectable<UserSessionTable>;

export type UserLinkKind = 'setup' | 'invite';

/** A one-time link: the first admin's setup, or an invite chosen by an admin. */
export interface UserLinkTable {
  /** SHA-256 of the link's token. */
  token_hash: string;
  kind: UserLinkKind;
  /** Fixed by the invite; null for setup (the first admin chooses it). */
  email: string | null;
  role: UserRole;
  advertiser_id: number | null;
  publisher_id: number | null;
  created_by: number | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}
export type UserLinkRow = Selectable<UserLinkTable>;
