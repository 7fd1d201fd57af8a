import { type Kysely, type Migration, sql } from 'kysely';
import type { MigrationContext } from '../migrate.ts';

/**
 * Conversions and deliveries are listed in id order, as clicks are (0002): their ids begin with
 * their time, so the primary key serves the newest-first lists and their time windows
 * (db/id-order-page.ts). Before, those lists sorted by created_at, which no index covered.
 *
 * Conversions also drop their per-publisher and per-advertiser time indexes. Each took a leaf page
 * write of its own per conversion (a batch of accepted postbacks lands on as many leaf pages of each
 * as it has publishers and advertisers), and only the list read them; a filtered list now reads a
 * bounded slice of the id index per page. In a perf profile of `npm run bench -- --only=ingest`
 * the API spent 226 µs of CPU per accepted conversion without them against 239 µs with them.
 *
 * On PostgreSQL both ids take the "C" collation so that their index order is byte order, which is
 * time order.
 */
export function activityInIdOrder({ capabilities }: MigrationContext): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      await db.schema.dropIndex('conversions_publisher_time').execute();
      await db.schema.dropIndex('conversions_advertiser_time').execute();
      if (capabilities.dialect === 'postgres') {
        await sql`alter table conversions alter column id type text collate "C"`.execute(db);
        await sql`alter table deliveries alter column id type text collate "C"`.execute(db);
      }
    },
  };
}
