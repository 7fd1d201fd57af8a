// Newest-first pages over a table whose text ids begin with their creation time (shared/ids.ts), in
// id order over the primary key: clicks, conversions and deliveries. Clicks and conversions carry
// no per-publisher or per-offer index, because those cost a page write per row on the hottest
// writes, so a filtered page reads at most `scanLimit` rows: when its slice holds fewer matches than
// asked for, the page is short and the cursor resumes below the slice. Every match is still reached
// exactly once by following the cursor.
import { type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import { firstIdAt } from '../shared/ids.ts';
import type { Database, Db } from './database.types.ts';

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

/** The tables whose text ids begin with their creation time. */
export type IdOrderedTable = 'clicks' | 'conversions' | 'deliveries';

/**
 * Column → the value a row must have there; an undefined value leaves the column unfiltered.
 * (`present` and `absent` in the window name columns that must hold a value, or be null.)
 */
export type IdPageFilters<T extends IdOrderedTable> = {
  [C in keyof Database[T] & string]?: string | number;
};

const id = sql.ref<string>('id');

// One builder type for any of the three tables. The filters' columns are checked against their
// table where the caller writes them (IdPageFilters); here they and `id` are plain references.
// biome-ignore lint/suspicious/noExplicitAny: the three tables' selections differ
type AnyIdQuery = SelectQueryBuilder<Database, IdOrderedTable, any>;

/** Rows with lower <= id < upper (either bound may be absent). */
function idRange(q: AnyIdQuery, lower: string | undefined, upper: string | undefined): AnyIdQuery {
  let bounded = q;
  if (lower !== undefined) bounded = bounded.where(id, '>=', lower);
  if (upper !== undefined) bounded = bounded.where(id, '<', upper);
  return bounded;
}

/**
 * One page of `table`'s rows that match `filters`, newest first. `idPrefix` is what the table's ids
 * carry before their time ("cv_" for conversions).
 */
export async function pageInIdOrder<T extends IdOrderedTable>(
  db: Db,
  table: T,
  filters: IdPageFilters<T>,
  w: IdPageWindow & {
    idPrefix: string;
    present?: readonly (keyof Database[T] & string)[];
    absent?: readonly (keyof Database[T] & string)[];
  },
): Promise<IdPage<Selectable<Database[T]>>> {
  let upper = w.beforeId;
  if (w.to !== undefined) {
    const toId = w.idPrefix + firstIdAt(w.to);
    if (upper === undefined || toId < upper) upper = toId;
  }
  const lower = w.from !== undefined ? w.idPrefix + firstIdAt(w.from) : undefined;
  const matches = Object.entries(filters).filter(([, value]) => value !== undefined);
  const present = w.present ?? [];
  const absent = w.absent ?? [];
  const from = () => db.selectFrom(table as IdOrderedTable) as unknown as AnyIdQuery;

  // The lowest id of the slice this page may read: the scanLimit-th newest row in the window.
  let floor = lower;
  let sliced = false;
  if (matches.length + present.length + absent.length > 0) {
    const row = await idRange(from().select(id.as('id')), lower, upper)
      .orderBy(id, 'desc')
      .limit(1)
      .offset((w.scanLimit ?? ID_PAGE_SCAN_LIMIT) - 1)
      .executeTakeFirst();
    if (row) {
      floor = row.id;
      sliced = true;
    }
  }

  let rows = idRange(from().selectAll(), floor, upper);
  for (const [column, value] of matches) rows = rows.where(sql.ref(column), '=', value);
  for (const column of present) rows = rows.where(sql.ref(column), 'is not', null);
  for (const column of absent) rows = rows.where(sql.ref(column), 'is', null);
  const found = (await rows
    .orderBy(id, 'desc')
    .limit(w.limit + 1)
    .execute()) as (Selectable<Database[T]> & { id: string })[];
  if (found.length > w.limit) return { rows: found.slice(0, w.limit), nextBeforeId: found[w.limit - 1].id };
  // A short page: either the window is exhausted, or only this slice of it is.
  return { rows: found, nextBeforeId: sliced ? (floor as string) : null };
}

/**
 * A newest-first page of the few rows of `table` whose indexed `column` equals `value` (one
 * conversion's deliveries, one click's conversions), read whole rather than in scan slices.
 */
export async function pageByIndexedColumn<T extends IdOrderedTable>(
  db: Db,
  table: T,
  column: keyof Database[T] & string,
  value: string,
  filters: IdPageFilters<T>,
  w: IdPageWindow,
): Promise<IdPage<Selectable<Database[T]>>> {
  let q = (db.selectFrom(table as IdOrderedTable) as unknown as AnyIdQuery)
    .selectAll()
    .where(sql.ref(column), '=', value);
  for (const [name, match] of Object.entries(filters)) {
    if (match !== undefined) q = q.where(sql.ref(name), '=', match);
  }
  if (w.beforeId !== undefined) q = q.where(id, '<', w.beforeId);
  if (w.from !== undefined) q = q.where(sql.ref('created_at'), '>=', w.from);
  if (w.to !== undefined) q = q.where(sql.ref('created_at'), '<', w.to);
  const found = (await q
    .orderBy(id, 'desc')
    .limit(w.limit + 1)
    .execute()) as (Selectable<Database[T]> & { id: string })[];
  if (found.length > w.limit) return { rows: found.slice(0, w.limit), nextBeforeId: found[w.limit - 1].id };
  return { rows: found, nextBeforeId: null };
}
