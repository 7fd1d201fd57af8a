import { type Kysely, type Migration, sql } from 'kysely';
import type { MigrationContext } from '../migrate.ts';

/**
 * Clicks keep only their primary key. The per-publisher and per-offer indexes took a page write per
 * click each (a batch of clicks lands on as many leaf pages as it has publishers and offers), which
 * made them about three quarters of the cost of storing a click (17 µs a row against 4 µs without
 * them, batches of 32 over 100 publishers and offers). Click ids begin with their time, so the id
 * index alone serves newest-first paging and time windows; filtered lists scan a bounded slice of
 * it per page (see db/id-order-page.ts). On PostgreSQL the id takes the "C" collation so that
 * its index order is byte order, which is time order, whatever the database's default collation.
 */
export function clicksInIdOrder({ capabilities }: MigrationContext): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      await db.schema.dropIndex('clicks_publisher_time').execute();
      await db.schema.dropIndex('clicks_offer_time').execute();
      if (capabilities.dialect === 'postgres') {
        await sql`alter table clicks alter column id type text collate "C"`.execute(db);
      }
    },
  };
}
