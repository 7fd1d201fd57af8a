import type { Kysely, Migration } from 'kysely';

/**
 * The inbound log keeps the click id and txn id each hit named, so an operator can find every hit
 * about one click (accepted or not); hits are also found by the conversion they touched.
 */
export function postbackLogLookups(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      await db.schema.alterTable('postback_log').addColumn('click_id', 'text').execute();
      await db.schema.alterTable('postback_log').addColumn('txn_id', 'text').execute();
      await db.schema.createIndex('postback_log_click').on('postback_log').column('click_id').execute();
      await db.schema
        .createIndex('postback_log_conversion')
        .on('postback_log')
        .column('conversion_id')
        .execute();
    },
  };
}
