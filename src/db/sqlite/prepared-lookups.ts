// Lookups on a prepared statement of their own: no query building, no statement cache, no promise
// hops of Kysely's way to the connection.
import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { compileWithPlaceholders, parametersOf } from '../common/compiled-query.ts';
import type { Database } from '../database.types.ts';
import type { PreparedLookups } from '../prepared-lookup.ts';

const READS_CLICKS = /\bclicks\b/i;

export function sqlitePreparedLookups(db: Kysely<Database>, sqlite: SQLite.Database): PreparedLookups {
  return {
    prepareLookup<R>(build: Parameters<PreparedLookups['prepareLookup']>[0]) {
      const compiled = compileWithPlaceholders(db, 1, build);
      // Clicks answered but still in the journal are imported only by the read barrier, which this skips.
      if (READS_CLICKS.test(compiled.sql))
        throw new Error(`a prepared lookup skips the read barrier and must not read clicks: ${compiled.sql}`);
      const keyOnly = compiled.params.length === 1 && 'slot' in compiled.params[0];
      let statement: SQLite.Statement | undefined;
      return async (key) => {
        // Prepared on first use, so building the app never depends on the schema being migrated yet.
        statement ??= sqlite.prepare(compiled.sql);
        return statement.get(keyOnly ? key : parametersOf(compiled, [key])) as R | undefined;
      };
    },
  };
}
