import type { Generated, Insertable, Selectable } from 'kysely';

export interface PublisherTable {
  id: Generated<number>;
  name: string;
  /** The publisher's own token, offered to its postbacks as {security_token}. */
  security_token: string;
  /** Standard Webhooks secret (whsec_…) that signs POST bodies and the GET signature macro. */
  signing_secret: string;
  /** The secret before the last rotation; still signs until previous_secret_expires_at. */
  previous_signing_secret: string | null;
  previous_secret_expires_at: number | null;
  created_at: number;
  updated_at: number;
}
export type PublisherRow = Selectable<PublisherTable>;
export type NewPublisherRow = Insertable<PublisherTable>;
