// Test-only helpers: postbacks, clicks, conversions and their events written straight into the
// store, so matching and rendering tests control every value.

import type { ConversionEventRow, ConversionRow, Status } from '../../src/conversions/conversion.table.ts';
import type { Db } from '../../src/db/database.types.ts';
import type { NewPostbackRow, PostbackRow } from '../../src/postbacks/postback.table.ts';
import type { ClickRow } from '../../src/tracking/clicks/click.table.ts';
import { clickRow, conversionRow, postbackRow } from './rows.ts';

export const ALL = ['pending', 'approved', 'rejected', 'declined', 'reversed'];

export function insertTestPostback(
  db: Db,
  publisherId: number,
  overrides: Partial<NewPostbackRow> & { statusList?: string[] } = {},
): Promise<PostbackRow> {
  const { statusList, ...rest } = overrides;
  return db
    .insertInto('postbacks')
    .values(
      postbackRow({
        publisher_id: publisherId,
        url: 'https://receiver.example/pb?cid={click_id}',
        statuses: JSON.stringify(statusList ?? ALL),
        created_at: 1,
        ...rest,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface CatalogIds {
  advertiserId: number;
  offerId: number;
  publisherId: number;
  linkId: number;
}

export async function insertTestClick(
  db: Db,
  ids: CatalogIds,
  values: Partial<ClickRow> = {},
): Promise<ClickRow> {
  const createdAt = values.created_at ?? 1_718_000_000_000;
  return db
    .insertInto('clicks')
    .values(
      clickRow({
        link_id: ids.linkId,
        offer_id: ids.offerId,
        publisher_id: ids.publisherId,
        advertiser_id: ids.advertiserId,
        ip: '198.51.100.7',
        user_agent: 'test-agent',
        device: 'desktop',
        os: 'Windows',
        browser: 'Chrome',
        country: 'US',
        created_at: createdAt,
        ...values,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface ConversionFacts {
  goal?: string;
  status?: Status;
  payout?: number;
  revenue?: number;
  saleAmount?: number | null;
  txnId?: string | null;
  statusRaw?: string | null;
  at?: number;
}

/** A conversion on `click` and its first event (created → `status`). */
export async function insertTestConversion(
  db: Db,
  click: ClickRow,
  facts: ConversionFacts = {},
): Promise<{ conversion: ConversionRow; event: ConversionEventRow }> {
  const at = facts.at ?? click.created_at + 60_000;
  const status = facts.status ?? 'approved';
  const conversion = await db
    .insertInto('conversions')
    .values(
      conversionRow({
        click_id: click.id,
        offer_id: click.offer_id,
        publisher_id: click.publisher_id,
        advertiser_id: click.advertiser_id,
        link_id: click.link_id,
        goal: facts.goal ?? 'default',
        txn_id: facts.txnId === undefined ? 'TXN-1' : facts.txnId,
        status,
        status_raw: facts.statusRaw ?? null,
        payout: facts.payout ?? 0.5,
        revenue: facts.revenue ?? 0.8,
        sale_amount: facts.saleAmount ?? null,
        created_at: at,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  const event = await insertTestEvent(
    db,
    conversion,
    null,
    status,
    at,
    facts.payout ?? 0.5,
    facts.statusRaw ?? null,
  );
  return { conversion, event };
}

export function insertTestEvent(
  db: Db,
  conversion: ConversionRow,
  from: Status | null,
  to: Status,
  at: number,
  payout = conversion.payout,
  statusRaw: string | null = null,
): Promise<ConversionEventRow> {
  return db
    .insertInto('conversion_events')
    .values({
      conversion_id: conversion.id,
      from_status: from,
      to_status: to,
      status_raw: statusRaw,
      payout,
      source: 'postback',
      reason: null,
      postback_log_id: null,
      created_at: at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
