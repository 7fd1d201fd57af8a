// Lookups as named statements (named-statements.ts): each connection parses and plans them once.
import type { Kysely } from 'kysely';
import { compileWithPlaceholders, executeCompiled, parametersOf } from '../common/compiled-query.ts';
import type { Database } from '../database.types.ts';
import type { PreparedLookups } from '../prepared-lookup.ts';
import { nameStatement } from './named-statements.ts';

export function postgresPreparedLookups(db: Kysely<Database>): PreparedLookups {
  return {
    prepareLookup<R>(build: Parameters<PreparedLookups['prepareLookup']>[0]) {
      const compiled = compileWithPlaceholders(db, 1, build);
      nameStatement(compiled.sql);
      return async (key) => (await executeCompiled<R>(db, compiled, parametersOf(compiled, [key]))).rows[0];
    },
  };
}
