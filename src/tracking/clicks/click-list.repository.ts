// The admin click list: newest first, in id order over the primary key alone (db/id-order-page.ts).
import type { Db } from '../../db/database.types.ts';
import { type IdPage, type IdPageFilters, type IdPageWindow, pageInIdOrder } from '../../db/id-order-page.ts';
import type { ClickRow } from './click.table.ts';

/** The ad-platform click ids a list may ask to be present. */
export const PLATFORM_CLICK_IDS = ['fbclid', 'gclid', 'ttclid'] as const;
export type PlatformClickId = (typeof PLATFORM_CLICK_IDS)[number];
export type SubColumn = `sub${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10}`;

export interface ClickListFilter extends IdPageWindow {
  publisherId?: number;
  offerId?: number;
  linkId?: number;
  subs?: Partial<Record<SubColumn, string>>;
  country?: string;
  device?: string;
  isBot?: boolean;
  /** Only clicks that carry (or lack) each of these ad-platform click ids. */
  with?: readonly PlatformClickId[];
  without?: readonly PlatformClickId[];
  smartlinkId?: number;
}

export function listClicks(db: Db, f: ClickListFilter): Promise<IdPage<ClickRow>> {
  const filters: IdPageFilters<'clicks'> = {
    publisher_id: f.publisherId,
    offer_id: f.offerId,
    link_id: f.linkId,
    ...f.subs,
    country: f.country,
    device: f.device,
    is_bot: f.isBot === undefined ? undefined : Number(f.isBot),
    smartlink_id: f.smartlinkId,
  };
  return pageInIdOrder(db, 'clicks', filters, { ...f, idPrefix: '', present: f.with, absent: f.without });
}
