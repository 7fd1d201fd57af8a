import { type Kysely, type Migration, sql } from 'kysely';
import type { MigrationContext } from '../migrate.ts';
import { createStatementTriggers } from './statement-triggers.ts';

const MEASURES = ['pending', 'approved', 'rejected', 'declined', 'reversed', 'revenue', 'payout'];
const COUNTS = MEASURES.slice(0, 5);
const KEY = 'day, offer_id, advertiser_id, hour';
const COLUMNS = `${KEY}, ${MEASURES.join(', ')}`;

/** The hours key of rollup row `r`, then each measure as `measure` gives it. */
const hoursRow = (r: string, measure: (m: string) => string) =>
  `${r}.bucket - ${r}.bucket % 86400000 as day, ${r}.offer_id, ${r}.advertiser_id,
  ${r}.bucket - ${r}.bucket % 3600000 as hour, ${MEASURES.map((m) => `${measure(m)} as ${m}`).join(', ')}`;

/** `rows` (hours rows) summed by hour, leaving out hours whose every measure nets to zero. */
const byHour = (
  rows: string,
) => `select ${KEY}, ${MEASURES.map((m) => `sum(${m})`).join(', ')} from (${rows}) x
  group by ${KEY} having ${MEASURES.map((m) => `sum(${m}) <> 0`).join(' or ')}`;

/**
 * PostgreSQL gets the conversion hours SQLite has had since 0027 (report_conversion_hours), kept
 * off the rollup's writers: statement-level triggers on report_conversions append each change, by
 * hour, to report_conversion_hour_changes, which only ever takes inserts, so concurrent status
 * changes of one offer share no row; the rollup catch-up folds the changes into the hours
 * (postgres/conversion-hours-fold.ts). Reports read report_conversion_hours_now on both stores: on
 * PostgreSQL the hours, the changes not folded yet and the conversions after the rollup's mark; on
 * SQLite the hours alone. See docs/decisions/0032-conversion-hours-on-postgres.md.
 */
export function conversionHoursOnPostgres({ capabilities }: MigrationContext): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      if (capabilities.dialect !== 'postgres') {
        await sql`create view report_conversion_hours_now as
          select ${sql.raw(COLUMNS)} from report_conversion_hours`.execute(db);
        return;
      }
      const columns = sql.raw(`day bigint not null, offer_id integer not null, advertiser_id integer not null,
        hour bigint not null, ${COUNTS.map((m) => `${m} bigint not null`).join(', ')},
        revenue double precision not null, payout double precision not null`);
      await sql`create table report_conversion_hours (${columns}, primary key (${sql.raw(KEY)}))`.execute(db);
      await sql`create table report_conversion_hour_changes (${columns})`.execute(db);
      const plus = (r: string) => hoursRow(r, (m) => `${r}.${m}`);
      const minus = (r: string) => hoursRow(r, (m) => `-${r}.${m}`);
      const log = (rows: string) =>
        sql.raw(`insert into report_conversion_hour_changes (${COLUMNS}) ${byHour(rows)};`);
      await sql`create function report_conversion_hours_log() returns trigger language plpgsql as $$
        begin
          -- A status change's upsert of the rollup fires the insert trigger too, with no rows.
          if tg_op = 'INSERT' then
            if exists (select from new_rows) then ${log(`select ${plus('n')} from new_rows n`)} end if;
          elsif tg_op = 'UPDATE' then
            ${log(`select ${plus('n')} from new_rows n union all select ${minus('o')} from old_rows o`)}
          else ${log(`select ${minus('o')} from old_rows o`)}
          end if;
          return null;
        end $$`.execute(db);
      await createStatementTriggers(
        db,
        'report_conversions',
        'report_conversion_hours_on',
        'report_conversion_hours_log',
      );
      // After the triggers: creating them waits for the rollup's writers and holds new ones off until
      // this commits, so the fill reads a rollup no change is missing from.
      await sql`insert into report_conversion_hours (${sql.raw(COLUMNS)})
        ${sql.raw(byHour(`select ${plus('r')} from report_conversions r`))}`.execute(db);
      await sql`create view report_conversion_hours_now as
        select ${sql.raw(COLUMNS)} from report_conversion_hours
        union all
        select ${sql.raw(COLUMNS)} from report_conversion_hour_changes
        union all
        select ${sql.raw(plus('t'))} from report_conversions_tail() t`.execute(db);
    },
  };
}
