// Newest-first pages over a table whose text ids begin with their creation time (shared/ids.ts), in
// id order over the primary key alone: clicks and conversions. They carry no per-publisher or
// per-offer index, because those cost a page write per row on the hottest writes, so a filtered
// page reads at most `scanLimit` rows: when its slice holds fewer matches than asked for, the page
// is short and the cursor resumes below the slice. Every match is still reached exactly once by
// following the cursor.
import { type SelectQueryBuilder, sql } from 'kysely';
import { firstIdAt } from '../shared/ids.ts';

/** Rows read per filtered page: a few tens of milliseconds of index and row reads. */
export const ID_PAGE_SCAN_LIMIT = 20_000;

export interface IdPageWindow {
  limit: number;
  /** Only rows with a smaller id (the previous page's cursor). */
  beforeId?: string;
  /** created_at bounds: from inclusive, to exclusive. */
  from?: number;
  to?: number;
  scanLimit?: number;
}

export interface IdPage<R> {
  rows: R[];
  /** Where the next page starts (exclusive), or null when nothing older can match. */
  nextBeforeId: string | null;
}

const id = sql.ref<string>('id');

/** Rows with lower <= id < upper (either bound may be absent). */
function idRange<DB, TB extends keyof DB, O>(
  q: SelectQueryBuilder<DB, TB, O>,
  lower: string | undefined,
  upper: string | undefined,
): SelectQueryBuilder<DB, TB, O> {
  let bounded = q;
  if (lower !== undefined) bounded = bounded.where(id, '>=', lower);
  if (upper !== undefined) bounded = bounded.where(id, '<', upper);
  return bounded;
}

/**
 * One page of `rows` (the table's rows with the caller's filters applied), newest first. `ids` selects
 * the same table's ids unfiltered; `filtered` says whether `rows` filters at all. `idPrefix` is what
 * the table's ids carry before their time ("cv_" for conversions).
 */
export async function pageInIdOrder<DB, TB extends keyof DB, R extends { id: string }>(
  ids: SelectQueryBuilder<DB, TB, { id: string }>,
  rows: SelectQueryBuilder<DB, TB, R>,
  w: IdPageWindow & { idPrefix: string; filtered: boolean },
): Promise<IdPage<R>> {
  let upper = w.beforeId;
  if (w.to !== undefined) {
    const toId = w.idPrefix + firstIdAt(w.to);
    if (upper === undefined || toId < upper) upper = toId;
  }
  const lower = w.from !== undefined ? w.idPrefix + firstIdAt(w.from) : undefined;

  // The lowest id of the slice this page may read: the scanLimit-th newest row in the window.
  let floor = lower;
  let sliced = false;
  if (w.filtered) {
    const row = await idRange(ids, lower, upper)
      .orderBy(id, 'desc')
      .limit(1)
      .offset((w.scanLimit ?? ID_PAGE_SCAN_LIMIT) - 1)
      .executeTakeFirst();
    if (row) {
      floor = row.id;
      sliced = true;
    }
  }

  const found = await idRange(rows, floor, upper)
    .orderBy(id, 'desc')
    .limit(w.limit + 1)
    .execute();
  if (found.length > w.limit) return { rows: found.slice(0, w.limit), nextBeforeId: found[w.limit - 1].id };
  // A short page: either the window is exhausted, or only this slice of it is.
  return { rows: found, nextBeforeId: sliced ? (floor as string) : null };
}
