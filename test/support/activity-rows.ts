// Seeds activity rows (clicks, conversions, inbound log) straight into the store, as the click and
// inbound paths would have written them, so admin API tests can read them back.

import {
  type ConversionRow,
  NO_ADV_SUBS,
  type PostbackLogRow,
} from '../../src/conversions/conversion.table.ts';
import type { Db } from '../../src/db/database.types.ts';
import { newId } from '../../src/shared/ids.ts';
import { insertClicks } from '../../src/tracking/clicks/click.repository.ts';
import type { ClickRow } from '../../src/tracking/clicks/click.table.ts';
import type { Catalog } from './fixtures.ts';
import { clickRow } from './rows.ts';

export interface LinkRef {
  linkId: number;
  offerId: number;
  publisherId: number;
  advertiserId: number;
}

/** The link of a catalog, with the offer, publisher and advertiser its clicks carry. */
export function linkRefOf({ link, offer, publisher, advertiser }: Catalog): LinkRef {
  return { linkId: link.id, offerId: offer.id, publisherId: publisher.id, advertiserId: advertiser.id };
}

export async function seedClick(
  db: Db,
  link: LinkRef,
  createdAt: number,
  extra: Partial<ClickRow> = {},
): Promise<ClickRow> {
  const row = clickRow({
    link_id: link.linkId,
    offer_id: link.offerId,
    publisher_id: link.publisherId,
    advertiser_id: link.advertiserId,
    sub1: 'instagram',
    external_id: 'ext-1',
    ip: '198.51.100.7',
    user_agent: 'Mozilla/5.0',
    device: 'mobile',
    os: 'iOS',
    browser: 'Safari',
    country: 'DE',
    created_at: createdAt,
    ...extra,
  });
  await insertClicks(db, [row]);
  return row;
}

export async function seedConversion(
  db: Db,
  click: ClickRow,
  extra: Partial<ConversionRow> = {},
): Promise<ConversionRow> {
  const id = newId(click.created_at + 1000, 'cv_');
  const row: ConversionRow = {
    id,
    click_id: click.id,
    offer_id: click.offer_id,
    publisher_id: click.publisher_id,
    advertiser_id: click.advertiser_id,
    link_id: click.link_id,
    goal: 'default',
    txn_id: `txn-${id}`,
    dedupe_key: `dk-${id}`,
    status: 'pending',
    status_raw: 'hold',
    payout: 1.5,
    revenue: 2.5,
    sale_amount: null,
    currency: 'USD',
    needs_review: 0,
    review_reason: null,
    ...NO_ADV_SUBS,
    created_at: click.created_at + 1000,
    updated_at: click.created_at + 1000,
    ...extra,
  };
  await db.insertInto('conversions').values(row).execute();
  await db
    .insertInto('conversion_events')
    .values({
      conversion_id: row.id,
      from_status: null,
      to_status: row.status,
      status_raw: row.status_raw,
      payout: row.payout,
      source: 'postback',
      reason: null,
      postback_log_id: null,
      created_at: row.created_at,
    })
    .execute();
  return row;
}

export async function seedPostbackLog(
  db: Db,
  advertiserId: number | null,
  receivedAt: number,
  extra: Partial<Omit<PostbackLogRow, 'id'>> = {},
): Promise<PostbackLogRow> {
  return db
    .insertInto('postback_log')
    .values({
      received_at: receivedAt,
      method: 'GET',
      url: '/postback/[redacted]?click_id=abc',
      ip: '203.0.113.9',
      scheme: 'https',
      headers: JSON.stringify({ 'user-agent': 'curl/8' }),
      body: null,
      advertiser_id: advertiserId,
      result: 'accepted',
      code: 'accepted',
      http_status: 200,
      conversion_id: null,
      insecure: 0,
      ...extra,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
