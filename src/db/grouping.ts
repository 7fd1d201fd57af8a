// How a store groups rows, for the queries that shape their grouping to suit it.
import type { Db } from './database.types.ts';
import { speaksPostgres } from './handle-dialect.ts';

/**
 * Whether GROUP BY sorts its input unless an index delivers it in group order (SQLite); PostgreSQL
 * groups by hash as well.
 */
export function groupsBySorting(db: Db): boolean {
  return !speaksPostgres(db);
}
