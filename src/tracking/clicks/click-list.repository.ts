// The admin click list: newest first, in id order over the primary key alone (db/id-order-page.ts).
import type { Db } from '../../db/database.types.ts';
import { type IdPage, type IdPageFilters, type IdPageWindow, pageInIdOrder } from '../../db/id-order-page.ts';
import type { ClickRow } from './click.table.ts';

export interface ClickListFilter extends IdPageWindow {
  publisherId?: number;
  offerId?: number;
  linkId?: number;
  smartlinkId?: number;
}

export function listClicks(db: Db, f: ClickListFilter): Promise<IdPage<ClickRow>> {
  const filters: IdPageFilters<'clicks'> = {
    publisher_id: f.publisherId,
    offer_id: f.offerId,
    link_id: f.linkId,
    smartlink_id: f.smartlinkId,
  };
  return pageInIdOrder(db, 'clicks', filters, { ...f, idPrefix: '' });
}
