// Click SQL only; the caller passes the db or a transaction.
import { CLICK_COLUMNS } from '../../db/common/click-columns.ts';
import type { Db } from '../../db/database.types.ts';
import type { ClickRow, NewClickRow } from './click.table.ts';

// SQLite (32 766) and PostgreSQL (65 535) cap bound parameters per statement; stay well below both.
const MAX_PARAMETERS_PER_STATEMENT = 30_000;

/** Inserts clicks in as few multi-row statements as the parameter limit allows, atomically. */
export async function insertClicks(db: Db, rows: readonly NewClickRow[]): Promise<void> {
  if (rows.length === 0) return;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS_PER_STATEMENT / Object.keys(rows[0]).length));
  if (rows.length <= perStatement) {
    // One statement is its own transaction: no BEGIN/COMMIT round trips on the hot path.
    await db
      .insertInto('clicks')
      .values(rows as NewClickRow[])
      .execute();
    return;
  }
  const insertChunks = async (trx: Db) => {
    for (let i = 0; i < rows.length; i += perStatement) {
      await trx
        .insertInto('clicks')
        .values(rows.slice(i, i + perStatement))
        .execute();
    }
  };
  if (db.isTransaction) await insertChunks(db);
  else await db.transaction().execute(insertChunks);
}

export function findClickById(db: Db, id: string): Promise<ClickRow | undefined> {
  // Named columns: PostgreSQL's clicks also carry `seq` (the rollup's catch-up order, migration 0009).
  return db.selectFrom('clicks').select(CLICK_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export interface ClickTargetRow {
  link_id: number;
  slug: string;
  offer_id: number;
  publisher_id: number;
  advertiser_id: number;
  subs: string;
  offer_url: string;
  unique_window_hours: number;
  smartlink_id: number | null;
}

/** The link behind a tracking slug, joined with what its clicks need from the offer (not yet run). */
// biome-ignore lint/suspicious/noExplicitAny: `slug` may be a prepared lookup's placeholder
export function selectClickTargetBySlug(db: Db, slug: any) {
  return db
    .selectFrom('links')
    .innerJoin('offers', 'offers.id', 'links.offer_id')
    .select([
      'links.id as link_id',
      'links.slug',
      'links.offer_id',
      'links.publisher_id',
      'links.subs',
      'offers.advertiser_id',
      'offers.url as offer_url',
      'offers.unique_window_hours',
      'links.smartlink_id',
    ])
    .where('links.slug', '=', slug);
}
