import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from '../migrate.ts';
import { bigint, money, notNull, withSerialId } from './column-types.ts';

/**
 * Data operations: discrepancy checks against a network's export (saved column presets per
 * advertiser, one row per check with its day × offer summary, one row per difference found), the
 * retention settings (one row) and the audit log of changes made through the API.
 */
export function dataOperations({ capabilities }: MigrationContext): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      const s = db.schema;
      await withSerialId(s.createTable('reconciliation_presets'), capabilities)
        .addColumn('advertiser_id', 'integer', notNull)
        .addColumn('name', 'text', notNull)
        .addColumn('format', 'text', notNull)
        .addColumn('mapping', 'text', notNull)
        .addColumn('time_zone', 'text', notNull)
        .addColumn('currency', 'text', notNull)
        .addColumn('created_at', bigint, notNull)
        .addColumn('updated_at', bigint, notNull)
        .addUniqueConstraint('reconciliation_presets_advertiser_name', ['advertiser_id', 'name'])
        .execute();

      await s
        .createTable('reconciliations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('advertiser_id', 'integer', notNull)
        .addColumn('format', 'text', notNull)
        .addColumn('mapping', 'text', notNull)
        .addColumn('time_zone', 'text', notNull)
        .addColumn('currency', 'text', notNull)
        .addColumn('from_day', 'text', notNull)
        .addColumn('to_day', 'text', notNull)
        .addColumn('tolerance', money, notNull)
        .addColumn('rows_read', 'integer', notNull)
        .addColumn('counts', 'text', notNull)
        .addColumn('days', 'text', notNull)
        .addColumn('created_by', 'text')
        .addColumn('created_at', bigint, notNull)
        .execute();

      await withSerialId(s.createTable('reconciliation_findings'), capabilities)
        .addColumn('reconciliation_id', 'text', notNull)
        .addColumn('kind', 'text', notNull)
        .addColumn('line', 'integer')
        .addColumn('day', 'text')
        .addColumn('offer_id', 'integer')
        .addColumn('click_id', 'text')
        .addColumn('txn_id', 'text')
        .addColumn('conversion_id', 'text')
        .addColumn('their_status', 'text')
        .addColumn('our_status', 'text')
        .addColumn('their_amount', money)
        .addColumn('our_amount', money)
        .addColumn('their_day', 'text')
        .addColumn('our_day', 'text')
        .addColumn('resolution', 'text')
        .addColumn('resolution_code', 'text')
        .addColumn('resolved_at', bigint)
        .execute();
      await s
        .createIndex('reconciliation_findings_check')
        .on('reconciliation_findings')
        .columns(['reconciliation_id', 'id'])
        .execute();

      await s
        .createTable('retention_settings')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('anonymize_after_days', 'integer')
        .addColumn('purge_bodies_after_days', 'integer')
        .addColumn('updated_at', bigint, notNull)
        .addColumn('last_run_at', bigint)
        .addColumn('last_run', 'text')
        .addColumn('click_cursor', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('log_cursor', bigint, (c) => c.notNull().defaultTo(0))
        .addColumn('attempt_cursor', bigint, (c) => c.notNull().defaultTo(0))
        .execute();

      await withSerialId(s.createTable('audit_log'), capabilities)
        .addColumn('at', bigint, notNull)
        .addColumn('actor', 'text', notNull)
        .addColumn('role', 'text', notNull)
        .addColumn('via', 'text', notNull)
        .addColumn('method', 'text', notNull)
        .addColumn('path', 'text', notNull)
        .addColumn('resource', 'text', notNull)
        .addColumn('resource_id', 'text')
        .addColumn('status_code', 'integer', notNull)
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .execute();
    },
  };
}
