import type { Generated, Insertable, Selectable } from 'kysely';

export interface LinkTable {
  id: Generated<number>;
  slug: string;
  offer_id: number;
  publisher_id: number;
  /** JSON object of default sub ids ({"sub1": "instagram"}); the click's own values win. */
  subs: string;
  /** When set, each click's offer is chosen by this SmartLink; offer_id is then its fallback's offer. */
  smartlink_id: number | null;
  created_at: number;
  updated_at: number;
}
export type LinkRow = Selectable<LinkTable>;
export type NewLinkRow = Insertable<LinkTable>;
