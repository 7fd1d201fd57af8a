// Newest-first keyset paging over tables with (created_at, id): the order, the time window and the
// cursor, in one place for every activity list (clicks, conversions, deliveries).
import { type SelectQueryBuilder, sql } from 'kysely';

export interface NewestFirstWindow {
  limit: number;
  /** created_at bounds: from inclusive, to exclusive. */
  from?: number;
  to?: number;
  /** The last row of the previous page. */
  after?: { createdAt: number; id: string };
}

/** Fetches `limit + 1` rows so the caller can tell whether another page follows. */
export function pageNewestFirst<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  w: NewestFirstWindow,
): SelectQueryBuilder<DB, TB, O> {
  const createdAt = sql.ref<number>('created_at');
  const id = sql.ref<string>('id');
  let q = query
    .orderBy(createdAt, 'desc')
    .orderBy(id, 'desc')
    .limit(w.limit + 1);
  if (w.from !== undefined) q = q.where(createdAt, '>=', w.from);
  if (w.to !== undefined) q = q.where(createdAt, '<', w.to);
  const after = w.after;
  if (after) {
    q = q.where((eb) =>
      eb.or([
        eb(createdAt, '<', after.createdAt),
        eb.and([eb(createdAt, '=', after.createdAt), eb(id, '<', after.id)]),
      ]),
    );
  }
  return q;
}
