// How an insert gives back the id the store generated. SQLite reports the new rowid with every
// insert, and RETURNING would turn the insert into a statement that yields a result row, which
// costs more than the id is worth; PostgreSQL needs RETURNING. Read the id with `generatedIdOf`.
import type { Compilable, InsertQueryBuilder, InsertResult, QueryResult } from 'kysely';
import type { Database, Db } from './database.types.ts';
import { speaksPostgres } from './handle-dialect.ts';

/** The insert, made to give back its generated `id` on this handle's store. */
export function returningGeneratedId<T extends keyof Database>(
  db: Db,
  insert: InsertQueryBuilder<Database, T, InsertResult>,
): Compilable<unknown> {
  // biome-ignore lint/suspicious/noExplicitAny: every table given here has an `id` column
  return speaksPostgres(db) ? (insert as any).returning('id') : insert;
}

/** The id an insert built by `returningGeneratedId` gave back, whichever store ran it. */
export function generatedIdOf(result: QueryResult<unknown>): unknown {
  return result.insertId ?? (result.rows[0] as { id?: unknown } | undefined)?.id;
}
