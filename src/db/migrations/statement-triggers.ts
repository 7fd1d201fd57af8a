import { type Kysely, sql } from 'kysely';

/**
 * PostgreSQL: `function` as an after-statement trigger on `table` for insert, update and delete,
 * each named `${name}_${event}`, with its transition tables as new_rows and old_rows. A trigger
 * with transition tables takes one event and no column list, hence three.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
export async function createStatementTriggers(db: Kysely<any>, table: string, name: string, fn: string) {
  for (const [event, tables] of [
    ['insert', 'new table as new_rows'],
    ['update', 'old table as old_rows new table as new_rows'],
    ['delete', 'old table as old_rows'],
  ]) {
    await sql`create trigger ${sql.raw(`${name}_${event}`)} after ${sql.raw(event)}
      on ${sql.raw(table)} referencing ${sql.raw(tables)}
      for each statement execute function ${sql.raw(fn)}()`.execute(db);
  }
}
