import { type Kysely, type Migration, sql } from 'kysely';
import { CLICK_DAY_PROFILES, clickDayProfileUpsertSql, profileColumns } from '../common/click-rollup.ts';
import type { MigrationContext } from '../migrate.ts';
import { bigint } from './column-types.ts';

/**
 * Click day profiles: per UTC day, by offer (with its advertiser) and by publisher, the day's clicks
 * and unique clicks and those of its first k quarter hours, so a report by local day in any zone
 * reads two columns of one row per UTC day and entity instead of hourly and quarter-hour
 * corrections. Filled by the click catch-up with the other rollups, up to the same mark; built here
 * from the 15-minute rollup. On SQLite, an index has the conversion rollup in UTC day and offer
 * order. See docs/decisions/0028-click-day-profiles.md.
 */
export function clickDayProfiles({ capabilities }: MigrationContext): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      for (const profile of CLICK_DAY_PROFILES) {
        let t = db.schema.createTable(profile.table).addColumn('day', bigint, (c) => c.notNull());
        for (const column of profile.columns) t = t.addColumn(column, 'integer', (c) => c.notNull());
        t = t
          .addColumn('clicks', bigint, (c) => c.notNull())
          .addColumn('unique_clicks', bigint, (c) => c.notNull());
        // A day's count of one offer or publisher fits 32 bits; narrower rows read faster.
        for (const column of profileColumns()) t = t.addColumn(column, 'integer', (c) => c.notNull());
        await t
          .addPrimaryKeyConstraint(`${profile.table}_key`, ['day', ...profile.columns] as never)
          // SQLite: the rows live in their key's b-tree (0009). PostgreSQL: full pages; only each day's
          // rows are updated, on that day, and reports read whole ranges of days of these wide rows.
          .$call((b) => (capabilities.dialect === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b))
          .execute();
        const list = profile.columns.join(', ');
        const quarters = `select bucket - bucket % 86400000 as day, (bucket % 86400000) / 900000 as q, ${list},
            sum(clicks) as n, sum(unique_clicks) as u
          from report_clicks group by ${profile.columns.map((_, i) => i + 3).join(', ')}, 1, 2`;
        await sql.raw(clickDayProfileUpsertSql(profile, quarters)).execute(db);
      }
      // SQLite sorts to group: reports by day read the conversion rollup grouped by UTC day and
      // offer (then shifted to local days), from this index in that order, summing as it streams.
      // Not on PostgreSQL: it groups by hash, and measures in an index would stop the rollup's
      // in-page (HOT) updates.
      if (capabilities.dialect === 'sqlite') {
        await sql`create index report_conversions_by_day on report_conversions (bucket / 86400000, offer_id,
          bucket, pending, approved, rejected, declined, reversed, revenue, payout)`.execute(db);
      }
      // The hourly tiers' day rows (0016) are superseded by the day profiles.
      for (const table of ['report_clicks_by_offer', 'report_clicks_by_publisher']) {
        await sql`delete from ${sql.table(table)} where span = 86400000`.execute(db);
      }
    },
  };
}
