// Complete rows for tests that write straight into the store: name what matters, the rest is null.

import {
  CONVERSION_ID_PREFIX,
  type ConversionRow,
  NO_ADV_SUBS,
  STATUSES,
} from '../../src/conversions/conversion.table.ts';
import { CLICK_COLUMNS, hasColumn, type PackedClick } from '../../src/db/common/click-columns.ts';
import type { Db } from '../../src/db/database.types.ts';
import type { PostbackRow } from '../../src/postbacks/postback.table.ts';
import { newId } from '../../src/shared/ids.ts';
import type { ClickRow } from '../../src/tracking/clicks/click.table.ts';

type ClickKeys = Pick<ClickRow, 'link_id' | 'offer_id' | 'publisher_id' | 'advertiser_id'>;

const EMPTY_CLICK = {
  sub1: null,
  sub2: null,
  sub3: null,
  sub4: null,
  sub5: null,
  sub6: null,
  sub7: null,
  sub8: null,
  sub9: null,
  sub10: null,
  external_id: null,
  fbclid: null,
  ttclid: null,
  gclid: null,
  gbraid: null,
  wbraid: null,
  msclkid: null,
  ip: null,
  user_agent: null,
  device: null,
  os: null,
  browser: null,
  country: null,
  referrer: null,
  is_bot: 0,
  is_unique: 1,
  smartlink_id: null,
  smartlink_rule: null,
  fbp: null,
} satisfies Omit<ClickRow, keyof ClickKeys | 'id' | 'created_at'>;

const REQUIRED_CLICK_COLUMNS = [
  'id',
  'link_id',
  'offer_id',
  'publisher_id',
  'advertiser_id',
  'is_bot',
  'created_at',
  'is_unique',
  // Integers, and empty unless a SmartLink chose the offer.
  'smartlink_id',
  'smartlink_rule',
] as const;
export type OptionalClickColumn = Exclude<
  (typeof CLICK_COLUMNS)[number],
  (typeof REQUIRED_CLICK_COLUMNS)[number]
>;
/** The text click columns that may be empty: every text column but the id. */
export const OPTIONAL_CLICK_COLUMNS = CLICK_COLUMNS.filter(
  (c): c is OptionalClickColumn => !(REQUIRED_CLICK_COLUMNS as readonly string[]).includes(c),
);

/** A click row with every capture field empty unless given; id and time default to now. */
export function clickRow(fields: ClickKeys & Partial<ClickRow>): ClickRow {
  const createdAt = fields.created_at ?? Date.now();
  return { ...EMPTY_CLICK, id: newId(createdAt), created_at: createdAt, ...fields };
}

type ConversionKeys = Pick<ConversionRow, 'offer_id' | 'publisher_id' | 'advertiser_id' | 'link_id'>;

/** An approved USD conversion on the default goal; ids, dedupe key and time are fresh unless given. */
export function conversionRow(fields: ConversionKeys & Partial<ConversionRow>): ConversionRow {
  const at = fields.created_at ?? Date.now();
  return {
    id: newId(at, CONVERSION_ID_PREFIX),
    click_id: newId(at),
    goal: 'default',
    txn_id: null,
    dedupe_key: newId(at, 'dk_'),
    status: 'approved',
    status_raw: null,
    payout: 1.5,
    revenue: 2,
    sale_amount: null,
    currency: 'USD',
    needs_review: 0,
    review_reason: null,
    ...NO_ADV_SUBS,
    created_at: at,
    updated_at: at,
    ...fields,
  };
}

type PostbackKeys = Pick<PostbackRow, 'publisher_id' | 'url'>;

/** An active, enabled GET postback for every status, global unless told otherwise. */
export function postbackRow(
  fields: PostbackKeys & Partial<Omit<PostbackRow, 'id'>>,
): Omit<PostbackRow, 'id'> {
  const now = fields.created_at ?? Date.now();
  return {
    audience: 'publisher',
    scope: 'global',
    offer_id: null,
    goal: null,
    link_id: null,
    method: 'GET',
    body_format: 'none',
    body_template: null,
    headers: '{}',
    secret_params: '[]',
    secret_path_segments: '[]',
    statuses: JSON.stringify(STATUSES),
    enabled: 1,
    fire_with_specific: 0,
    timeout_ms: 15_000,
    retry_4xx: 1,
    state: 'active',
    disabled_reason: null,
    disabled_at: null,
    failure_streak: 0,
    last_success_at: null,
    last_failure_at: null,
    created_at: now,
    updated_at: now,
    kind: 'url',
    destination: null,
    credentials: null,
    credential_hints: null,
    event_map: '[]',
    value_source: 'payout',
    ...fields,
  };
}

/** Click `i` of a link, with a typical spread of columns set and a time that orders by `i`. */
export function numberedClick(i: number, linkId: number): ClickRow {
  return clickRow({
    link_id: linkId,
    offer_id: 2,
    publisher_id: 3,
    advertiser_id: 4,
    sub1: `s${i}`,
    sub10: 'ten',
    external_id: `ext-${i}`,
    gclid: 'g',
    ip: '203.0.113.7',
    user_agent: 'ua',
    device: 'desktop',
    os: 'Linux',
    browser: 'Firefox',
    country: 'DE',
    is_bot: i % 2,
    created_at: Date.UTC(2026, 0, 1) + i,
  });
}

/** How many clicks the store holds for a link. */
export async function countClicksOfLink(db: Db, linkId: number): Promise<number> {
  const row = await db
    .selectFrom('clicks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('link_id', '=', linkId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The row a packed click (click-columns.ts) stands for, every column present (null where it has no value). */
export function unpackClick(packed: PackedClick): ClickRow {
  const mask = packed[0] as number;
  const row: Record<string, unknown> = {};
  let next = 1;
  CLICK_COLUMNS.forEach((column, i) => {
    row[column] = hasColumn(mask, i) ? packed[next++] : null;
  });
  return row as unknown as ClickRow;
}
