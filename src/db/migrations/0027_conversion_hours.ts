import { type Kysely, type Migration, sql } from 'kysely';
import type { MigrationContext } from '../migrate.ts';

const MEASURES = ['pending', 'approved', 'rejected', 'declined', 'reversed', 'revenue', 'payout'];
const KEY = 'day, offer_id, advertiser_id, hour';

/** The hours row of conversion-rollup row `r` (NEW, OLD or the table), each measure as `measure` gives it. */
const hoursRow = (r: string, measure: (m: string) => string) =>
  `${r}.bucket - ${r}.bucket % 86400000, ${r}.offer_id, ${r}.advertiser_id, ${r}.bucket - ${r}.bucket % 3600000,
  ${MEASURES.map(measure).join(', ')}`;
const added = (r: string) => (m: string) => `${r}.${m}`;
const taken = (r: string) => (m: string) => `-${r}.${m}`;

const ADD = `on conflict (${KEY}) do update set
  ${MEASURES.map((m) => `${m} = report_conversion_hours.${m} + excluded.${m}`).join(', ')}`;

const upsert = (values: string) =>
  `insert into report_conversion_hours (${KEY}, ${MEASURES.join(', ')}) ${values} ${ADD};`;

/**
 * Drops `r`'s hour once it counts no conversion: its money, added and taken off in another order,
 * may not come back to exactly 0, and a report would show the hour.
 */
const dropEmpty = (r: string) => `delete from report_conversion_hours
  where day = ${r}.bucket - ${r}.bucket % 86400000 and offer_id = ${r}.offer_id
    and advertiser_id = ${r}.advertiser_id and hour = ${r}.bucket - ${r}.bucket % 3600000
    and pending = 0 and approved = 0 and rejected = 0 and declined = 0 and reversed = 0;`;

/**
 * SQLite: the conversion rollup by UTC hour, offer and advertiser (report_conversion_hours), kept
 * from report_conversions by triggers on it, so whatever changes the rollup changes this too. Reports
 * by local day of offers or advertisers read whole hours here and only the quarter hours around a
 * local day's start from the rollup, where the rollup has about a row per conversion. Not on
 * PostgreSQL: concurrent status changes of one offer would queue on its hour's row (0028 adds the
 * hours there, off the inbound transactions). See docs/decisions/0031-conversion-hours.md.
 */
export function conversionHours({ capabilities }: MigrationContext): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      if (capabilities.dialect !== 'sqlite') return;
      // Keyed by day, then offer: reports group a day's hours by offer as they stream in key order.
      await sql`create table report_conversion_hours (day bigint not null, offer_id integer not null,
          advertiser_id integer not null, hour bigint not null, pending bigint not null, approved bigint not null,
          rejected bigint not null, declined bigint not null, reversed bigint not null,
          revenue double precision not null, payout double precision not null,
          primary key (${sql.raw(KEY)})) without rowid`.execute(db);
      await sql`insert into report_conversion_hours (${sql.raw(KEY)}, ${sql.raw(MEASURES.join(', '))})
        select ${sql.raw(hoursRow('r', (m) => `sum(r.${m})`))} from report_conversions r
        group by 1, 2, 3, 4`.execute(db);
      await sql`create trigger report_conversion_hours_on_insert after insert on report_conversions begin
        ${sql.raw(upsert(`values (${hoursRow('new', added('new'))})`))} end`.execute(db);
      // The rollup's upserts add to measures and leave the key alone: one delta. Should a key column
      // change, the row's counts move from the old hour to the new.
      await sql`create trigger report_conversion_hours_on_update after update on report_conversions
        when new.bucket = old.bucket and new.offer_id = old.offer_id and new.advertiser_id = old.advertiser_id
        begin ${sql.raw(upsert(`values (${hoursRow('new', (m) => `new.${m} - old.${m}`)})`))} end`.execute(
        db,
      );
      await sql`create trigger report_conversion_hours_on_move after update on report_conversions
        when new.bucket <> old.bucket or new.offer_id <> old.offer_id or new.advertiser_id <> old.advertiser_id
        begin ${sql.raw(upsert(`values (${hoursRow('old', taken('old'))})`))} ${sql.raw(dropEmpty('old'))}
          ${sql.raw(upsert(`values (${hoursRow('new', added('new'))})`))} end`.execute(db);
      await sql`create trigger report_conversion_hours_on_delete after delete on report_conversions begin
        ${sql.raw(upsert(`values (${hoursRow('old', taken('old'))})`))} ${sql.raw(dropEmpty('old'))} end`.execute(
        db,
      );
    },
  };
}
