// Keyset pagination for list endpoints: `?limit=&cursor=`, answered as `{ data, nextCursor }`.
// The cursor is the last row's id (opaque to clients), so pages stay stable while rows are added.
import { type Static, Type } from '@sinclair/typebox';

export const DEFAULT_PAGE_SIZE = 50;

/** The paging fields of every list query; a list with filters spreads them into its own. */
export const PAGE_FIELDS = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: DEFAULT_PAGE_SIZE })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
};

export const PageQuery = Type.Object(PAGE_FIELDS);
export type PageQuery = Static<typeof PageQuery>;

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Pass rows fetched with `limit + 1`; returns the page and the cursor of the next one. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  cursorOf: (row: R) => string | number,
  map: (row: R) => T,
): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  return {
    data: pageRows.map(map),
    nextCursor: more ? String(cursorOf(pageRows[pageRows.length - 1])) : null,
  };
}

export function PageOf<T extends import('@sinclair/typebox').TSchema>(item: T) {
  return Type.Object({ data: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });
}
