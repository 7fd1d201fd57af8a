import { type Kysely, type Migration, sql } from 'kysely';
import type { MigrationContext } from '../migrate.ts';
import { bigint } from './column-types.ts';

/**
 * Coarser click rollups beside the 15-minute one: per UTC hour and per UTC day, by offer (with its
 * advertiser) and by publisher. Filled by the same catch-up, in the same transaction and up to the
 * same mark as report_clicks, so reports that group and filter only by these dimensions read far
 * fewer rows. See docs/decisions/0024-report-rollup-tiers.md.
 */
export function reportRollupTiers({ capabilities }: MigrationContext): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      const s = db.schema;
      // biome-ignore lint/suspicious/noExplicitAny: a create-table builder of any table
      const storedForUpserts = (t: any) =>
        t.modifyEnd(capabilities.dialect === 'sqlite' ? sql`without rowid` : sql`with (fillfactor = 50)`);
      const tiers = [
        { table: 'report_clicks_by_offer', columns: ['offer_id', 'advertiser_id'] },
        { table: 'report_clicks_by_publisher', columns: ['publisher_id'] },
      ];
      const order = capabilities.dialect === 'postgres' ? 'seq' : 'rowid';
      for (const { table, columns } of tiers) {
        let t = s
          .createTable(table)
          .addColumn('span', bigint, (c) => c.notNull())
          .addColumn('time', bigint, (c) => c.notNull());
        for (const column of columns) t = t.addColumn(column, 'integer', (c) => c.notNull());
        await t
          .addColumn('clicks', bigint, (c) => c.notNull())
          .addColumn('unique_clicks', bigint, (c) => c.notNull())
          .addPrimaryKeyConstraint(`${table}_key`, ['span', 'time', ...columns] as never)
          .$call(storedForUpserts)
          .execute();
        const list = columns.join(', ');
        // What report_clicks holds (everything up to the mark), summed per hour and per day.
        for (const span of [3_600_000, 86_400_000]) {
          await sql`insert into ${sql.table(table)} (span, time, ${sql.raw(list)}, clicks, unique_clicks)
            select ${sql.lit(span)}, bucket - bucket % ${sql.lit(span)}, ${sql.raw(list)}, sum(clicks), sum(unique_clicks)
            from report_clicks group by 2, ${sql.raw(list)}`.execute(db);
        }
      }
      // SQLite sorts to group: a report by (or for one) publisher reads the conversion rollup from
      // this index in publisher order instead, with the measures in it. PostgreSQL groups by hash,
      // and measures in an index would stop the rollup's in-page (HOT) updates.
      if (capabilities.dialect === 'sqlite') {
        await sql`create index report_conversions_by_publisher on report_conversions (publisher_id, bucket,
          pending, approved, rejected, declined, reversed, revenue, payout)`.execute(db);
      }
      // The clicks not in the rollups yet, one per row: reports add them to the tiers' rows (read
      // once per report, in the statement that reads the tiers, so both are of one moment).
      await sql`create view report_clicks_tail as
        select created_at, link_id, offer_id, publisher_id, advertiser_id, coalesce(country, '') as country,
          coalesce(device, '') as device, coalesce(os, '') as os, coalesce(browser, '') as browser, is_unique
        from clicks where ${sql.raw(order)} > (select rolled_through from report_click_progress where id = 1)`.execute(
        db,
      );
    },
  };
}
