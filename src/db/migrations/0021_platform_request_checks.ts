import type { Kysely, Migration } from 'kysely';
import { bigint, notNull } from './column-types.ts';

/**
 * Deliveries an ad platform took for processing and reports on later (Google Data Manager's
 * requestId): one row per delivery until its outcome is known, found by when it is next checked.
 */
export function platformRequestChecks(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('platform_request_checks')
        .addColumn('delivery_id', 'text', (c) => c.primaryKey())
        .addColumn('request_id', 'text', notNull)
        .addColumn('postback_id', 'integer', notNull)
        .addColumn('attempt_no', 'integer', notNull)
        .addColumn('checks', 'integer', notNull)
        .addColumn('next_check_at', bigint, notNull)
        .addColumn('created_at', bigint, notNull)
        .execute();
      await db.schema
        .createIndex('platform_request_checks_due')
        .on('platform_request_checks')
        .columns(['next_check_at', 'request_id'])
        .execute();
    },
  };
}
