// One-row lookups on a hot path's cache misses (a tracking link's target, re-read once per cache
// lifetime for every link, hundreds a second under load): compiled once, and on SQLite run on a
// prepared statement of their own rather than through query building.
import type { Compilable } from 'kysely';
import type { Db } from './database.types.ts';

export interface PreparedLookups {
  /**
   * The first row of the query `build` makes for a key, compiled once: `build` gets the handle and a
   * placeholder for the key, and must not branch on it. On SQLite it runs outside the statement cache
   * and so without passing the store's read barrier (sqlite/read-barrier.ts): it must not read
   * clicks, and is refused when it does.
   */
  // biome-ignore lint/suspicious/noExplicitAny: the placeholder stands in for a value of any column type
  prepareLookup<R>(build: (db: Db, key: any) => Compilable<R>): (key: unknown) => Promise<R | undefined>;
}
