import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from '../migrate.ts';
import { bigint, money, notNull, withSerialId } from './column-types.ts';

/**
 * Inbound rules (ordered; hold or reject a new conversion with a reason code) and offer caps. Rewards: a publisher's settings, the append-only ledger of its users' points (one unique key per
 * cause, so nothing credits twice) and the balance cached beside it in the same transaction.
 */
export function rewards({ capabilities }: MigrationContext): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      const s = db.schema;
      await s
        .createTable('reward_settings')
        .addColumn('publisher_id', 'integer', (c) =>
          c.primaryKey().references('publishers.id').onDelete('cascade'),
        )
        .addColumn('enabled', 'integer', notNull)
        .addColumn('user_sub_id', 'text', notNull)
        .addColumn('currency', 'text', notNull)
        .addColumn('points_per_unit', money, notNull)
        .addColumn('points_per_goal', 'text', notNull)
        .addColumn('rounding', 'text', notNull)
        .addColumn('credit_on', 'text', notNull)
        .addColumn('allow_negative', 'integer', notNull)
        .addColumn('updated_at', bigint, notNull)
        .execute();
      await withSerialId(s.createTable('reward_entries'), capabilities)
        .addColumn('publisher_id', 'integer', notNull)
        .addColumn('user_id', 'text', notNull)
        .addColumn('kind', 'text', notNull)
        .addColumn('points', bigint, notNull)
        .addColumn('balance_after', bigint, notNull)
        .addColumn('conversion_id', 'text')
        .addColumn('conversion_event_id', bigint)
        .addColumn('status', 'text')
        .addColumn('reverses', bigint)
        .addColumn('flagged', 'integer', notNull)
        .addColumn('reason', 'text')
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        .addColumn('actor', 'text')
        .addColumn('created_at', bigint, notNull)
        .execute();
      await s
        .createIndex('reward_entries_user')
        .on('reward_entries')
        .columns(['publisher_id', 'user_id', 'id'])
        .execute();
      await s
        .createIndex('reward_entries_conversion')
        .on('reward_entries')
        .columns(['conversion_id', 'id'])
        .execute();
      await s
        .createTable('reward_balances')
        .addColumn('publisher_id', 'integer', notNull)
        .addColumn('user_id', 'text', notNull)
        .addColumn('balance', bigint, notNull)
        .addColumn('updated_at', bigint, notNull)
        .addPrimaryKeyConstraint('reward_balances_pk', ['publisher_id', 'user_id'])
        .execute();
      await withSerialId(s.createTable('inbound_rules'), capabilities)
        .addColumn('position', 'integer', notNull)
        .addColumn('scope', 'text', notNull)
        .addColumn('scope_id', 'integer')
        .addColumn('kind', 'text', notNull)
        .addColumn('params', 'text', notNull)
        .addColumn('action', 'text', notNull)
        .addColumn('reason_code', 'text', notNull)
        .addColumn('enabled', 'integer', notNull)
        .addColumn('created_at', bigint, notNull)
        .addColumn('updated_at', bigint, notNull)
        .execute();
      await withSerialId(s.createTable('offer_caps'), capabilities)
        .addColumn('offer_id', 'integer', (c) => c.notNull().references('offers.id').onDelete('cascade'))
        .addColumn('publisher_id', 'integer')
        .addColumn('period', 'text', notNull)
        .addColumn('metric', 'text', notNull)
        .addColumn('cap_limit', money, notNull)
        .addColumn('over_action', 'text', notNull)
        .addColumn('created_at', bigint, notNull)
        .execute();
      await s
        .createTable('cap_usage')
        .addColumn('cap_id', 'integer', notNull)
        .addColumn('period_key', 'text', notNull)
        .addColumn('used', money, notNull)
        .addPrimaryKeyConstraint('cap_usage_pk', ['cap_id', 'period_key'])
        .execute();
      // The reason code of the rule that held or rejected the conversion a postback created.
      await s.alterTable('postback_log').addColumn('reason', 'text').execute();
    },
  };
}
