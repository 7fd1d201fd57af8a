import { type Kysely, type Migration, sql } from 'kysely';
import type { MigrationContext } from '../migrate.ts';
import { addConversionCountsSql, signedConversions } from '../postgres/conversion-rollup-sql.ts';
import { createStatementTriggers } from './statement-triggers.ts';

/**
 * PostgreSQL keeps the conversion rollup per statement instead of per row: each insert, update or
 * delete of conversions adds its rows' counts to report_conversions in one grouped upsert, read
 * from the statement's transition tables, so a batch of new conversions costs one rollup statement
 * rather than one per conversion. SQLite's per-row triggers (0009) stay. See
 * docs/decisions/0029-conversion-rollup-per-statement.md. On PostgreSQL, 0026 drops the insert trigger
 * (new conversions are caught up behind the writers) and limits the others to rows already rolled up.
 */
export function conversionRollupPerStatement({ capabilities }: MigrationContext): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      if (capabilities.dialect !== 'postgres') return;
      await sql`drop trigger report_conversions_roll on conversions`.execute(db);
      await sql`drop function report_conversions_roll()`.execute(db);
      const addCounts = (changes: string) => sql.raw(`${addConversionCountsSql(changes)};`);
      await sql`create function report_conversions_roll_statement() returns trigger language plpgsql as $$
        begin
          if tg_op = 'INSERT' then ${addCounts(signedConversions('new_rows', 1))}
          elsif tg_op = 'DELETE' then ${addCounts(signedConversions('old_rows', -1))}
          else ${addCounts(`${signedConversions('old_rows', -1)} union all ${signedConversions('new_rows', 1)}`)}
          end if;
          return null;
        end $$`.execute(db);
      await createStatementTriggers(
        db,
        'conversions',
        'report_conversions_roll',
        'report_conversions_roll_statement',
      );
    },
  };
}
