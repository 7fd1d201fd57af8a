// Conversion SQL only; the caller passes the db or a transaction.
import type { Db } from '../db/database.types.ts';
import type {
  ConversionEventRow,
  ConversionRow,
  NewConversionEventRow,
  NewConversionRow,
  NewPostbackLogRow,
  Status,
} from './conversion.table.ts';

/** What the conversion rules need from a click's offer. */
export function findOfferTerms(db: Db, offerId: number) {
  return db
    .selectFrom('offers')
    .select([
      'id',
      'advertiser_id',
      'payout',
      'revenue',
      'currency',
      'allow_duplicates',
      'click_lifetime_days',
    ])
    .where('id', '=', offerId)
    .executeTakeFirst();
}
export type OfferTerms = NonNullable<Awaited<ReturnType<typeof findOfferTerms>>>;

/** A goal of the offer by its key, or by its numeric id (some networks send goal ids). */
export function findOfferGoal(db: Db, offerId: number, keyOrId: string) {
  const id = /^\d{1,15}$/.test(keyOrId) ? Number(keyOrId) : undefined;
  return db
    .selectFrom('offer_goals')
    .select(['id', 'key', 'payout', 'revenue'])
    .where('offer_id', '=', offerId)
    .where((eb) =>
      id === undefined ? eb('key', '=', keyOrId) : eb.or([eb('key', '=', keyOrId), eb('id', '=', id)]),
    )
    .orderBy('id')
    .executeTakeFirst();
}

/** Every advertiser's inbound credentials; the table is small (one row per advertiser). */
export function listAdvertiserCredentials(db: Db) {
  return db
    .selectFrom('advertisers')
    .select(['id', 'postback_token', 'ip_allowlist', 'status_map'])
    .execute();
}

export function findConversionById(db: Db, id: string): Promise<ConversionRow | undefined> {
  return db.selectFrom('conversions').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findConversionByDedupeKey(db: Db, dedupeKey: string): Promise<ConversionRow | undefined> {
  return db.selectFrom('conversions').selectAll().where('dedupe_key', '=', dedupeKey).executeTakeFirst();
}

export async function insertConversion(db: Db, row: NewConversionRow): Promise<ConversionRow> {
  return db.insertInto('conversions').values(row).returningAll().executeTakeFirstOrThrow();
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

export function insertConversionEvent(db: Db, row: NewConversionEventRow): Promise<ConversionEventRow> {
  return db.insertInto('conversion_events').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function insertPostbackLog(db: Db, row: NewPostbackLogRow): Promise<number> {
  const { id } = await db.insertInto('postback_log').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(id);
}

/** True for a unique-constraint violation on either store (the dedupe key lost a race). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
