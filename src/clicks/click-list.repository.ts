// The admin click list: newest first, in id order over the primary key alone (db/id-order-page.ts).
import type { Db } from '../db/database.types.ts';
import { type IdPage, type IdPageWindow, pageInIdOrder } from '../db/id-order-page.ts';
import type { ClickRow } from './click.table.ts';

export interface ClickListFilter extends IdPageWindow {
  publisherId?: number;
  offerId?: number;
  linkId?: number;
}

export function listClicks(db: Db, f: ClickListFilter): Promise<IdPage<ClickRow>> {
  let rows = db.selectFrom('clicks').selectAll();
  if (f.publisherId !== undefined) rows = rows.where('publisher_id', '=', f.publisherId);
  if (f.offerId !== undefined) rows = rows.where('offer_id', '=', f.offerId);
  if (f.linkId !== undefined) rows = rows.where('link_id', '=', f.linkId);
  const filtered = f.publisherId !== undefined || f.offerId !== undefined || f.linkId !== undefined;
  return pageInIdOrder(db.selectFrom('clicks').select('id'), rows, { ...f, idPrefix: '', filtered });
}
