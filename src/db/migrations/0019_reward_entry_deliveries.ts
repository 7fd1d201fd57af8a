import { type Kysely, type Migration, sql } from 'kysely';
import type { MigrationContext } from '../migrate.ts';
import { bigint, notNull } from './column-types.ts';

/**
 * A delivery is owed for a conversion event or for a rewards ledger entry written by hand (an
 * adjustment or a redemption, which has no conversion): the conversion columns become optional and
 * `reward_entry_id` names the entry, once per postback. SQLite cannot drop a NOT NULL, so there the
 * table is rebuilt with the same rows and indexes.
 */
export function rewardEntryDeliveries({ capabilities }: MigrationContext): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      if (capabilities.dialect === 'postgres') {
        await sql`alter table deliveries alter column conversion_event_id drop not null`.execute(db);
        await sql`alter table deliveries alter column conversion_id drop not null`.execute(db);
        await db.schema.alterTable('deliveries').addColumn('reward_entry_id', bigint).execute();
      } else {
        await rebuildSqliteDeliveries(db);
      }
      await db.schema
        .createIndex('deliveries_reward_entry_postback')
        .unique()
        .on('deliveries')
        .columns(['reward_entry_id', 'postback_id'])
        .execute();
    },
  };
}

const COLUMNS = sql.raw(
  'id, conversion_event_id, postback_id, conversion_id, publisher_id, status, attempts, next_run_at, claim_id, lease_until, last_status_code, last_error, created_at, updated_at, completed_at',
);

// biome-ignore lint/suspicious/noExplicitAny: as above
async function rebuildSqliteDeliveries(db: Kysely<any>): Promise<void> {
  const s = db.schema;
  await s
    .createTable('deliveries_next')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conversion_event_id', bigint)
    .addColumn('postback_id', 'integer', notNull)
    .addColumn('conversion_id', 'text')
    .addColumn('publisher_id', 'integer', notNull)
    .addColumn('status', 'text', notNull)
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_run_at', bigint, notNull)
    .addColumn('claim_id', 'text')
    .addColumn('lease_until', bigint)
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', bigint, notNull)
    .addColumn('updated_at', bigint, notNull)
    .addColumn('completed_at', bigint)
    .addColumn('reward_entry_id', bigint)
    .addUniqueConstraint('deliveries_event_postback', ['conversion_event_id', 'postback_id'])
    .execute();
  await sql`insert into deliveries_next (${COLUMNS}) select ${COLUMNS} from deliveries`.execute(db);
  await s.dropTable('deliveries').execute();
  await sql`alter table deliveries_next rename to deliveries`.execute(db);
  await s.createIndex('deliveries_due').on('deliveries').columns(['status', 'next_run_at']).execute();
  await s.createIndex('deliveries_postback').on('deliveries').columns(['postback_id', 'status']).execute();
  await s.createIndex('deliveries_conversion').on('deliveries').column('conversion_id').execute();
}
