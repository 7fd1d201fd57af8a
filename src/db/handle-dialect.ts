// Which dialect a handle speaks, for the db/ functions that take a handle or an open transaction
// rather than the store. Only db/ asks this; feature code calls those functions.
import { type Kysely, PostgresAdapter } from 'kysely';
import type { Db } from './database.types.ts';

/** Whether the store behind a handle or an open transaction is PostgreSQL. */
export function speaksPostgres(db: Db): boolean {
  // Transactions carry their parent's adapter, so this works on either kind of handle.
  return (db as Kysely<unknown>).getExecutor().adapter instanceof PostgresAdapter;
}
