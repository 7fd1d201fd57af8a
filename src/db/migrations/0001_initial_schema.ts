import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from '../migrate.ts';
import { bigint, money, notNull, withSerialId } from './column-types.ts';

export function initialSchema({ capabilities }: MigrationContext): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      const s = db.schema;
      await withSerialId(s.createTable('advertisers'), capabilities)
        .addColumn('name', 'text', notNull)
        .addColumn('postback_token', 'text', (c) => c.notNull().unique())
        .addColumn('ip_allowlist', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('status_map', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('created_at', bigint, notNull)
        .addColumn('updated_at', bigint, notNull)
        .execute();

      await withSerialId(s.createTable('offers'), capabilities)
        .addColumn('advertiser_id', 'integer', (c) => c.notNull().references('advertisers.id'))
        .addColumn('name', 'text', notNull)
        .addColumn('url', 'text', notNull)
        .addColumn('payout', money, (c) => c.notNull().defaultTo(0))
        .addColumn('revenue', money, (c) => c.notNull().defaultTo(0))
        .addColumn('currency', 'text', (c) => c.notNull().defaultTo('USD'))
        .addColumn('allow_duplicates', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('click_lifetime_days', 'integer', (c) => c.notNull().defaultTo(30))
        .addColumn('created_at', bigint, notNull)
        .addColumn('updated_at', bigint, notNull)
        .execute();
      await s.createIndex('offers_advertiser').on('offers').column('advertiser_id').execute();

      await withSerialId(s.createTable('offer_goals'), capabilities)
        .addColumn('offer_id', 'integer', (c) => c.notNull().references('offers.id').onDelete('cascade'))
        .addColumn('key', 'text', notNull)
        .addColumn('name', 'text', notNull)
        .addColumn('payout', money)
        .addColumn('revenue', money)
        .addUniqueConstraint('offer_goals_offer_key', ['offer_id', 'key'])
        .execute();

      await withSerialId(s.createTable('publishers'), capabilities)
        .addColumn('name', 'text', notNull)
        .addColumn('security_token', 'text', notNull)
        .addColumn('signing_secret', 'text', notNull)
        .addColumn('previous_signing_secret', 'text')
        .addColumn('previous_secret_expires_at', bigint)
        .addColumn('created_at', bigint, notNull)
        .addColumn('updated_at', bigint, notNull)
        .execute();

      await withSerialId(s.createTable('links'), capabilities)
        .addColumn('slug', 'text', (c) => c.notNull().unique())
        .addColumn('offer_id', 'integer', (c) => c.notNull().references('offers.id'))
        .addColumn('publisher_id', 'integer', (c) => c.notNull().references('publishers.id'))
        .addColumn('subs', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('created_at', bigint, notNull)
        .addColumn('updated_at', bigint, notNull)
        .execute();
      await s.createIndex('links_publisher').on('links').column('publisher_id').execute();
      await s.createIndex('links_offer').on('links').column('offer_id').execute();

      // Clicks are the biggest table and the hottest write: no foreign keys, two indexes.
      let clicks = s
        .createTable('clicks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('link_id', 'integer', notNull)
        .addColumn('offer_id', 'integer', notNull)
        .addColumn('publisher_id', 'integer', notNull)
        .addColumn('advertiser_id', 'integer', notNull);
      for (let i = 1; i <= 10; i++) clicks = clicks.addColumn(`sub${i}`, 'text');
      for (const name of ['external_id', 'fbclid', 'ttclid', 'gclid', 'gbraid', 'wbraid', 'msclkid']) {
        clicks = clicks.addColumn(name, 'text');
      }
      for (const name of ['ip', 'user_agent', 'device', 'os', 'browser', 'country', 'referrer']) {
        clicks = clicks.addColumn(name, 'text');
      }
      await clicks
        .addColumn('is_bot', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', bigint, notNull)
        .execute();
      await s
        .createIndex('clicks_publisher_time')
        .on('clicks')
        .columns(['publisher_id', 'created_at'])
        .execute();
      await s.createIndex('clicks_offer_time').on('clicks').columns(['offer_id', 'created_at']).execute();

      await s
        .createTable('conversions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('click_id', 'text', notNull)
        .addColumn('offer_id', 'integer', notNull)
        .addColumn('publisher_id', 'integer', notNull)
        .addColumn('advertiser_id', 'integer', notNull)
        .addColumn('link_id', 'integer', notNull)
        .addColumn('goal', 'text', notNull)
        .addColumn('txn_id', 'text')
        .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
        .addColumn('status', 'text', notNull)
        .addColumn('status_raw', 'text')
        .addColumn('payout', money, notNull)
        .addColumn('revenue', money, notNull)
        .addColumn('sale_amount', money)
        .addColumn('currency', 'text', notNull)
        .addColumn('needs_review', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('review_reason', 'text')
        .addColumn('created_at', bigint, notNull)
        .addColumn('updated_at', bigint, notNull)
        .execute();
      await s.createIndex('conversions_click').on('conversions').column('click_id').execute();
      await s
        .createIndex('conversions_publisher_time')
        .on('conversions')
        .columns(['publisher_id', 'created_at'])
        .execute();
      await s
        .createIndex('conversions_advertiser_time')
        .on('conversions')
        .columns(['advertiser_id', 'created_at'])
        .execute();

      await withSerialId(s.createTable('conversion_events'), capabilities)
        .addColumn('conversion_id', 'text', (c) => c.notNull().references('conversions.id'))
        .addColumn('from_status', 'text')
        .addColumn('to_status', 'text', notNull)
        .addColumn('status_raw', 'text')
        .addColumn('payout', money, notNull)
        .addColumn('source', 'text', notNull)
        .addColumn('reason', 'text')
        .addColumn('postback_log_id', bigint)
        .addColumn('created_at', bigint, notNull)
        .execute();
      await s
        .createIndex('conversion_events_conversion')
        .on('conversion_events')
        .column('conversion_id')
        .execute();

      await withSerialId(s.createTable('postback_log'), capabilities)
        .addColumn('received_at', bigint, notNull)
        .addColumn('method', 'text', notNull)
        .addColumn('url', 'text', notNull)
        .addColumn('ip', 'text')
        .addColumn('scheme', 'text', notNull)
        .addColumn('headers', 'text', notNull)
        .addColumn('body', 'text')
        .addColumn('advertiser_id', 'integer')
        .addColumn('result', 'text', notNull)
        .addColumn('code', 'text', notNull)
        .addColumn('http_status', 'integer', notNull)
        .addColumn('conversion_id', 'text')
        .addColumn('insecure', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await s
        .createIndex('postback_log_advertiser_time')
        .on('postback_log')
        .columns(['advertiser_id', 'received_at'])
        .execute();

      await withSerialId(s.createTable('postbacks'), capabilities)
        .addColumn('publisher_id', 'integer', (c) => c.notNull().references('publishers.id'))
        .addColumn('scope', 'text', notNull)
        .addColumn('offer_id', 'integer')
        .addColumn('goal', 'text')
        .addColumn('url', 'text', notNull)
        .addColumn('method', 'text', (c) => c.notNull().defaultTo('GET'))
        .addColumn('body_format', 'text', (c) => c.notNull().defaultTo('none'))
        .addColumn('body_template', 'text')
        .addColumn('headers', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('statuses', 'text', notNull)
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('fire_with_specific', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('timeout_ms', 'integer', (c) => c.notNull().defaultTo(15000))
        .addColumn('retry_4xx', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('state', 'text', (c) => c.notNull().defaultTo('active'))
        .addColumn('disabled_reason', 'text')
        .addColumn('disabled_at', bigint)
        .addColumn('failure_streak', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_success_at', bigint)
        .addColumn('last_failure_at', bigint)
        .addColumn('created_at', bigint, notNull)
        .addColumn('updated_at', bigint, notNull)
        .execute();
      await s.createIndex('postbacks_publisher').on('postbacks').column('publisher_id').execute();

      await s
        .createTable('deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('conversion_event_id', bigint, notNull)
        .addColumn('postback_id', 'integer', notNull)
        .addColumn('conversion_id', 'text', notNull)
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
        .addUniqueConstraint('deliveries_event_postback', ['conversion_event_id', 'postback_id'])
        .execute();
      await s.createIndex('deliveries_due').on('deliveries').columns(['status', 'next_run_at']).execute();
      await s
        .createIndex('deliveries_postback')
        .on('deliveries')
        .columns(['postback_id', 'status'])
        .execute();
      await s.createIndex('deliveries_conversion').on('deliveries').column('conversion_id').execute();

      await withSerialId(s.createTable('delivery_attempts'), capabilities)
        .addColumn('delivery_id', 'text')
        .addColumn('postback_id', 'integer', notNull)
        .addColumn('attempt_no', 'integer', notNull)
        .addColumn('trigger', 'text', notNull)
        .addColumn('url', 'text', notNull)
        .addColumn('method', 'text', notNull)
        .addColumn('request_headers', 'text', notNull)
        .addColumn('request_body', 'text')
        .addColumn('status_code', 'integer', notNull)
        .addColumn('response_excerpt', 'text')
        .addColumn('response_truncated', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('duration_ms', 'integer', notNull)
        .addColumn('error_class', 'text')
        .addColumn('error_message', 'text')
        .addColumn('created_at', bigint, notNull)
        .execute();
      await s
        .createIndex('delivery_attempts_delivery')
        .on('delivery_attempts')
        .column('delivery_id')
        .execute();

      await withSerialId(s.createTable('api_keys'), capabilities)
        .addColumn('role', 'text', notNull)
        .addColumn('advertiser_id', 'integer')
        .addColumn('publisher_id', 'integer')
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('key_prefix', 'text', notNull)
        .addColumn('label', 'text')
        .addColumn('created_at', bigint, notNull)
        .addColumn('revoked_at', bigint)
        .execute();
    },
  };
}
