import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from '../migrate.ts';
import { bigint, notNull, withSerialId } from './column-types.ts';

/**
 * Periodic jobs' leases (one row per job: who runs it, until when, when it is next due), alert
 * channels (where alerts go), alert rules (what is watched, their current state) and the alert
 * history (every fire and clear, with what each channel answered); attempts indexed by time.
 */
export function jobsAndAlerts({ capabilities }: MigrationContext): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      const s = db.schema;
      await s
        .createTable('job_leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text')
        .addColumn('lease_until', bigint, notNull)
        .addColumn('next_run_at', bigint, notNull)
        .addColumn('last_started_at', bigint)
        .addColumn('last_finished_at', bigint)
        .addColumn('last_error', 'text')
        .execute();
      await withSerialId(s.createTable('alert_channels'), capabilities)
        .addColumn('kind', 'text', notNull)
        .addColumn('name', 'text', notNull)
        .addColumn('settings', 'text', notNull)
        .addColumn('secret', 'text')
        .addColumn('created_at', bigint, notNull)
        .addColumn('updated_at', bigint, notNull)
        .execute();
      await withSerialId(s.createTable('alert_rules'), capabilities)
        .addColumn('name', 'text', notNull)
        .addColumn('kind', 'text', notNull)
        .addColumn('target_type', 'text', notNull)
        .addColumn('target_id', 'integer')
        .addColumn('params', 'text', notNull)
        .addColumn('window_minutes', 'integer', notNull)
        .addColumn('cooldown_minutes', 'integer', notNull)
        .addColumn('channel_ids', 'text', notNull)
        .addColumn('enabled', 'integer', notNull)
        .addColumn('state', 'text', notNull)
        .addColumn('state_since', bigint)
        .addColumn('last_value', 'double precision')
        .addColumn('last_evaluated_at', bigint)
        .addColumn('last_transition_at', bigint)
        .addColumn('created_at', bigint, notNull)
        .addColumn('updated_at', bigint, notNull)
        .execute();
      await withSerialId(s.createTable('alert_events'), capabilities)
        .addColumn('rule_id', 'integer', notNull)
        .addColumn('transition', 'text', notNull)
        .addColumn('value', 'double precision')
        .addColumn('message', 'text', notNull)
        .addColumn('notified', 'text', notNull)
        .addColumn('created_at', bigint, notNull)
        .execute();
      await s.createIndex('alert_events_rule').on('alert_events').columns(['rule_id', 'id']).execute();
      // Failure-rate rules read a window of attempts every minute; without it that is a full scan.
      await s.createIndex('delivery_attempts_time').on('delivery_attempts').column('created_at').execute();
    },
  };
}
