// Read-only SQL behind the activity lists of the admin API (clicks, conversions, inbound log).
// Newest first; conversions page in id order like clicks (db/id-order-page.ts). The click list is
// clicks/click-list.repository.ts.

import {
  CONVERSION_ID_PREFIX,
  type ConversionEventRow,
  type ConversionRow,
  type PostbackLogRow,
  type Status,
} from '../conversions/conversion.table.ts';
import { CLICK_COLUMNS } from '../db/common/click-columns.ts';
import type { Db } from '../db/database.types.ts';
import {
  type IdPage,
  type IdPageFilters,
  type IdPageWindow,
  pageByIndexedColumn,
  pageInIdOrder,
} from '../db/id-order-page.ts';
import type { ClickRow } from '../tracking/clicks/click.table.ts';

interface TimeWindow {
  from?: number;
  to?: number;
}

export function findClickRowById(db: Db, id: string): Promise<ClickRow | undefined> {
  return db.selectFrom('clicks').select(CLICK_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export interface ConversionFilter extends IdPageWindow {
  status?: Status;
  offerId?: number;
  publisherId?: number;
  advertiserId?: number;
  needsReview?: boolean;
  goal?: string;
  txnId?: string;
  clickId?: string;
}

export function listConversions(db: Db, f: ConversionFilter): Promise<IdPage<ConversionRow>> {
  const filters: IdPageFilters<'conversions'> = {
    status: f.status,
    offer_id: f.offerId,
    publisher_id: f.publisherId,
    advertiser_id: f.advertiserId,
    needs_review: f.needsReview === undefined ? undefined : Number(f.needsReview),
    goal: f.goal,
    txn_id: f.txnId,
  };
  if (f.clickId === undefined) {
    return pageInIdOrder(db, 'conversions', filters, { ...f, idPrefix: CONVERSION_ID_PREFIX });
  }
  // One click's conversions are few and indexed: read them whole.
  return pageByIndexedColumn(db, 'conversions', 'click_id', f.clickId, filters, f);
}

export function findConversionRowById(db: Db, id: string): Promise<ConversionRow | undefined> {
  return db.selectFrom('conversions').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listConversionEvents(db: Db, conversionId: string): Promise<ConversionEventRow[]> {
  return db
    .selectFrom('conversion_events')
    .selectAll()
    .where('conversion_id', '=', conversionId)
    .orderBy('id')
    .execute();
}

export interface PostbackLogFilter extends TimeWindow {
  limit: number;
  beforeId?: number;
  advertiserId?: number;
  result?: PostbackLogRow['result'];
  code?: string;
  clickId?: string;
  txnId?: string;
  conversionId?: string;
}

export function listPostbackLog(db: Db, f: PostbackLogFilter): Promise<PostbackLogRow[]> {
  let q = db
    .selectFrom('postback_log')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(f.limit + 1);
  if (f.beforeId !== undefined) q = q.where('id', '<', f.beforeId);
  if (f.advertiserId !== undefined) q = q.where('advertiser_id', '=', f.advertiserId);
  if (f.result !== undefined) q = q.where('result', '=', f.result);
  if (f.code !== undefined) q = q.where('code', '=', f.code);
  // click_id and conversion_id are indexed; txn_id is read within the other filters' rows.
  if (f.clickId !== undefined) q = q.where('click_id', '=', f.clickId);
  if (f.txnId !== undefined) q = q.where('txn_id', '=', f.txnId);
  if (f.conversionId !== undefined) q = q.where('conversion_id', '=', f.conversionId);
  if (f.from !== undefined) q = q.where('received_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('received_at', '<', f.to);
  return q.execute();
}
