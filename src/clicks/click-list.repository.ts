// The admin click list: newest first, in id order (click ids begin with their time, see
// shared/ids.ts), over the primary key alone. Clicks carry no per-publisher or per-offer index, because
// those cost a page write per click on the hottest path, so a filtered page reads at most `scanLimit`
// clicks: when its slice holds fewer matches than asked for, the page is short and the cursor resumes
// below the slice. Every match is still reached exactly once by following the cursor.
import type { SelectQueryBuilder } from 'kysely';
import type { Database, Db } from '../db/database.types.ts';
import { firstIdAt } from '../shared/ids.ts';
import type { ClickRow } from './click.table.ts';

/** Clicks read per filtered page: a few tens of milliseconds of index and row reads. */
export const CLICK_SCAN_LIMIT = 20_000;

export interface ClickListFilter {
  limit: number;
  /** Only clicks with a smaller id (the previous page's cursor). */
  beforeId?: string;
  /** created_at bounds: from inclusive, to exclusive. */
  from?: number;
  to?: number;
  publisherId?: number;
  offerId?: number;
  linkId?: number;
  scanLimit?: number;
}

export interface ClickListPage {
  rows: ClickRow[];
  /** Where the next page starts (exclusive), or null when nothing older can match. */
  nextBeforeId: string | null;
}

/** Clicks with lower <= id < upper (either bound may be absent). */
function idRange<O>(
  q: SelectQueryBuilder<Database, 'clicks', O>,
  lower: string | undefined,
  upper: string | undefined,
): SelectQueryBuilder<Database, 'clicks', O> {
  let bounded = q;
  if (lower !== undefined) bounded = bounded.where('id', '>=', lower);
  if (upper !== undefined) bounded = bounded.where('id', '<', upper);
  return bounded;
}

export async function listClicks(db: Db, f: ClickListFilter): Promise<ClickListPage> {
  let upper = f.beforeId;
  if (f.to !== undefined) {
    const toId = firstIdAt(f.to);
    if (upper === undefined || toId < upper) upper = toId;
  }
  const lower = f.from !== undefined ? firstIdAt(f.from) : undefined;
  const filtered = f.publisherId !== undefined || f.offerId !== undefined || f.linkId !== undefined;

  // The lowest id of the slice this page may read: the scanLimit-th newest click in the window.
  let floor = lower;
  let sliced = false;
  if (filtered) {
    const row = await idRange(db.selectFrom('clicks').select('id'), lower, upper)
      .orderBy('id', 'desc')
      .limit(1)
      .offset((f.scanLimit ?? CLICK_SCAN_LIMIT) - 1)
      .executeTakeFirst();
    if (row) {
      floor = row.id;
      sliced = true;
    }
  }

  let q = idRange(db.selectFrom('clicks').selectAll(), floor, upper);
  if (f.publisherId !== undefined) q = q.where('publisher_id', '=', f.publisherId);
  if (f.offerId !== undefined) q = q.where('offer_id', '=', f.offerId);
  if (f.linkId !== undefined) q = q.where('link_id', '=', f.linkId);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute();

  if (rows.length > f.limit) return { rows: rows.slice(0, f.limit), nextBeforeId: rows[f.limit - 1].id };
  // A short page: either the window is exhausted, or only this slice of it is.
  return { rows, nextBeforeId: sliced ? (floor as string) : null };
}
