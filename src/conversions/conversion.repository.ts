// Conversion SQL only; the caller passes the db or a transaction.
import type { Db } from '../db/database.types.ts';
import { generatedIdOf, returningGeneratedId } from '../db/generated-id.ts';
import { preparedQuery } from '../db/prepared-query.ts';
import { SUB_KEYS } from '../tracking/clicks/click.table.ts';
import {
  ADV_SUB_COLUMNS,
  type ConversionEventRow,
  type ConversionRow,
  type NewConversionEventRow,
  type NewConversionRow,
  type NewPostbackLogRow,
  type Status,
} from './conversion.table.ts';

const offerTermsQuery = preparedQuery(2, (db, offerId, publisherId) =>
  db
    .selectFrom('offers')
    .leftJoin('offer_publisher_payouts as pp', (join) =>
      join.onRef('pp.offer_id', '=', 'offers.id').on('pp.publisher_id', '=', publisherId),
    )
    .select([
      'offers.id',
      'offers.advertiser_id',
      'offers.payout_type',
      'offers.payout',
      'offers.revenue',
      'offers.currency',
      'offers.allow_duplicates',
      'offers.click_lifetime_days',
      'pp.payout_type as publisher_payout_type',
      'pp.payout as publisher_payout',
    ])
    .where('offers.id', '=', offerId),
);

/** What the conversion rules need from a click's offer, with the click's publisher's payout override. */
export async function findOfferTerms(db: Db, offerId: number, publisherId: number) {
  return (await offerTermsQuery(db, offerId, publisherId)).rows[0];
}

// The country and sub ids are read with the click for the inbound rules and the rewards user id.
const CLICK_FOR_CONVERSION = [
  'id',
  'offer_id',
  'publisher_id',
  'link_id',
  'created_at',
  'country',
  ...SUB_KEYS,
] as const;

const clickQuery = preparedQuery(1, (db, id) =>
  db.selectFrom('clicks').select(CLICK_FOR_CONVERSION).where('id', '=', id),
);

/** What a conversion needs from its click. */
export async function findClickForConversion(db: Db, clickId: string) {
  return (await clickQuery(db, clickId)).rows[0];
}
export type ClickForConversion = NonNullable<Awaited<ReturnType<typeof findClickForConversion>>>;

/** findClickForConversion for many clicks in one query, by click id (absent: no such click). */
export async function findClicksForConversion(
  db: Db,
  clickIds: readonly string[],
): Promise<Map<string, ClickForConversion>> {
  const rows = await db
    .selectFrom('clicks')
    .select(CLICK_FOR_CONVERSION)
    .where('id', 'in', clickIds)
    .execute();
  return new Map(rows.map((row) => [row.id, row]));
}
export type OfferTerms = NonNullable<Awaited<ReturnType<typeof findOfferTerms>>>;

/** A goal of the offer by its key, or by its numeric id (some networks send goal ids). */
export function findOfferGoal(db: Db, offerId: number, keyOrId: string) {
  const id = /^\d{1,15}$/.test(keyOrId) ? Number(keyOrId) : undefined;
  return db
    .selectFrom('offer_goals')
    .select(['id', 'key', 'payout_type', 'payout', 'revenue'])
    .where('offer_id', '=', offerId)
    .where((eb) =>
      id === undefined ? eb('key', '=', keyOrId) : eb.or([eb('key', '=', keyOrId), eb('id', '=', id)]),
    )
    .orderBy('id')
    .executeTakeFirst();
}

const CREDENTIAL_COLUMNS = [
  'id',
  'postback_token',
  'ip_allowlist',
  'status_map',
  'parameter_preset',
  'parameter_map',
  'signature_secret',
] as const;

/** One advertiser's inbound credentials, through the unique index on its token. */
export function findAdvertiserCredentialsByToken(db: Db, token: string) {
  return db
    .selectFrom('advertisers')
    .select(CREDENTIAL_COLUMNS)
    .where('postback_token', '=', token)
    .executeTakeFirst();
}

/** One advertiser's inbound credentials, through the unique index on its network slug. */
export function findAdvertiserCredentialsByNetwork(db: Db, network: string) {
  return db
    .selectFrom('advertisers')
    .select(CREDENTIAL_COLUMNS)
    .where('network', '=', network)
    .executeTakeFirst();
}

export type AdvertiserCredentialsRow = NonNullable<
  Awaited<ReturnType<typeof findAdvertiserCredentialsByToken>>
>;

export function findConversionById(db: Db, id: string): Promise<ConversionRow | undefined> {
  return db.selectFrom('conversions').selectAll().where('id', '=', id).executeTakeFirst();
}

// Inserts of every column in a fixed order, so each table's insert compiles once, giving back the
// generated id. A nullable column the caller left out is written as null, which is its default.
function preparedInsertReturningId<T extends 'conversion_events' | 'postback_log'>(
  table: T,
  columns: readonly string[],
) {
  const query = preparedQuery(columns.length, (db, ...slots) => {
    const insert = db
      .insertInto(table)
      .values(Object.fromEntries(columns.map((c, i) => [c, slots[i]])) as never);
    return returningGeneratedId(db, insert);
  });
  return async (db: Db, row: Record<string, unknown>): Promise<number> => {
    const id = generatedIdOf(await query(db, ...columns.map((c) => row[c] ?? null)));
    if (id === undefined) throw new Error(`insert into ${table} gave no id`);
    return Number(id);
  };
}

const CONVERSION_COLUMNS = [
  'id',
  'click_id',
  'offer_id',
  'publisher_id',
  'advertiser_id',
  'link_id',
  'goal',
  'txn_id',
  'dedupe_key',
  'status',
  'status_raw',
  'payout',
  'revenue',
  'sale_amount',
  'currency',
  'needs_review',
  'review_reason',
  ...ADV_SUB_COLUMNS,
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof NewConversionRow)[];

const byDedupeKeyQuery = preparedQuery(1, (db, dedupeKey) =>
  db.selectFrom('conversions').select(CONVERSION_COLUMNS).where('dedupe_key', '=', dedupeKey),
);

/** findConversionByDedupeKey for many keys in one query, by dedupe key. */
export async function findConversionsByDedupeKeys(
  db: Db,
  dedupeKeys: readonly string[],
): Promise<Map<string, ConversionRow>> {
  const rows = await db
    .selectFrom('conversions')
    .select(CONVERSION_COLUMNS)
    .where('dedupe_key', 'in', dedupeKeys)
    .execute();
  return new Map(rows.map((row) => [row.dedupe_key, row as ConversionRow]));
}

export async function findConversionByDedupeKey(
  db: Db,
  dedupeKey: string,
): Promise<ConversionRow | undefined> {
  return (await byDedupeKeyQuery(db, dedupeKey)).rows[0];
}

const insertConversionQuery = preparedQuery(CONVERSION_COLUMNS.length, (db, ...slots) =>
  db
    .insertInto('conversions')
    .values(Object.fromEntries(CONVERSION_COLUMNS.map((c, i) => [c, slots[i]])) as NewConversionRow)
    .onConflict((oc) => oc.column('dedupe_key').doNothing()),
);

/**
 * Inserts `row` unless a conversion with its dedupe key is already stored (or, on PostgreSQL, is
 * being committed by a concurrent twin, which the insert waits for): the stored row, or undefined
 * for a duplicate. Trying the insert first spares new conversions, the common case, a lookup.
 * Every column is written from `row` (none has a database default), so the stored row is known
 * without RETURNING, which on SQLite costs several times the insert itself.
 */
export async function insertConversionUnlessDuplicate(
  db: Db,
  row: NewConversionRow,
): Promise<ConversionRow | undefined> {
  const stored = {} as Record<string, unknown>;
  for (const c of CONVERSION_COLUMNS) stored[c] = row[c] ?? null;
  const { numAffectedRows } = await insertConversionQuery(db, ...CONVERSION_COLUMNS.map((c) => stored[c]));
  return numAffectedRows === 0n ? undefined : (stored as unknown as ConversionRow);
}

/**
 * The batch form of insertConversionUnlessDuplicate, one statement for all `rows` (their dedupe keys
 * distinct): the ids of the rows inserted; a row whose key was taken is skipped.
 */
export async function insertConversionsUnlessDuplicate(
  db: Db,
  rows: readonly NewConversionRow[],
): Promise<Set<string>> {
  const inserted = await db
    .insertInto('conversions')
    .values(
      rows.map((row) => Object.fromEntries(CONVERSION_COLUMNS.map((c) => [c, row[c] ?? null]))) as never,
    )
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .execute();
  return new Set(inserted.map((r) => r.id));
}

export type ConversionPatch = Partial<
  Pick<ConversionRow, 'status' | 'status_raw' | 'payout' | 'revenue' | 'needs_review' | 'review_reason'>
> & { updated_at: number };

/**
 * Moves a conversion only if it is still in `fromStatus`: two concurrent changes cannot both win,
 * the loser sees undefined and starts over on fresh data.
 */
export function updateConversionIfStatus(
  db: Db,
  id: string,
  fromStatus: Status,
  patch: ConversionPatch,
): Promise<ConversionRow | undefined> {
  return db
    .updateTable('conversions')
    .set(patch)
    .where('id', '=', id)
    .where('status', '=', fromStatus)
    .returningAll()
    .executeTakeFirst();
}

const EVENT_COLUMNS = [
  'conversion_id',
  'from_status',
  'to_status',
  'status_raw',
  'payout',
  'source',
  'reason',
  'postback_log_id',
  'actor',
  'created_at',
] as const satisfies readonly (keyof NewConversionEventRow)[];
const insertEventRow = preparedInsertReturningId('conversion_events', EVENT_COLUMNS);

/** Only the generated id comes back: every other column is written from `row` (RETURNING * is dear). */
export async function insertConversionEvent(db: Db, row: NewConversionEventRow): Promise<ConversionEventRow> {
  const stored = {} as Record<string, unknown>;
  for (const c of EVENT_COLUMNS) stored[c] = row[c] ?? null;
  const id = await insertEventRow(db, stored);
  return { id, ...stored } as ConversionEventRow;
}

const LOG_COLUMNS = [
  'received_at',
  'method',
  'url',
  'ip',
  'scheme',
  'headers',
  'body',
  'advertiser_id',
  'result',
  'code',
  'http_status',
  'conversion_id',
  'insecure',
  'click_id',
  'txn_id',
  'reason',
] as const satisfies readonly (keyof NewPostbackLogRow)[];
const insertLogRow = preparedInsertReturningId('postback_log', LOG_COLUMNS);

export async function insertPostbackLog(db: Db, row: NewPostbackLogRow): Promise<number> {
  return insertLogRow(db, row as unknown as Record<string, unknown>);
}

/**
 * Inserts rows that each name a different conversion, in one statement: each row's generated id,
 * keyed by its conversion. (The order of RETURNING rows is not promised, the conversion ids are.)
 */
async function insertOneRowPerConversion(
  db: Db,
  table: 'conversion_events' | 'postback_log',
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
): Promise<Map<string, number>> {
  const returned = await db
    .insertInto(table)
    .values(rows.map((row) => Object.fromEntries(columns.map((c) => [c, row[c] ?? null]))) as never)
    .returning(['id', 'conversion_id'])
    .execute();
  return new Map(returned.map((r) => [String(r.conversion_id), Number(r.id)]));
}

/** The log rows of hits that each created a different conversion: each row's id, by conversion id. */
export function insertPostbackLogsOfConversions(
  db: Db,
  rows: readonly (NewPostbackLogRow & { conversion_id: string })[],
): Promise<Map<string, number>> {
  return insertOneRowPerConversion(db, 'postback_log', LOG_COLUMNS, rows);
}

/** Events of different conversions: each stored row, by conversion id. */
export async function insertEventsOfConversions(
  db: Db,
  rows: readonly NewConversionEventRow[],
): Promise<Map<string, ConversionEventRow>> {
  const stored = rows.map((row) => Object.fromEntries(EVENT_COLUMNS.map((c) => [c, row[c] ?? null])));
  const ids = await insertOneRowPerConversion(db, 'conversion_events', EVENT_COLUMNS, stored);
  return new Map(
    stored.map((row) => {
      const conversionId = String(row.conversion_id);
      const id = ids.get(conversionId);
      if (id === undefined) throw new Error(`insert into conversion_events gave no id for ${conversionId}`);
      return [conversionId, { id, ...row } as ConversionEventRow];
    }),
  );
}
