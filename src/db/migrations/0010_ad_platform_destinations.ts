import type { Kysely, Migration } from 'kysely';

/**
 * Ad-platform destinations: a postback has a kind (`url`, or an ad platform's conversions API), the
 * platform's settings, its credentials encrypted at rest, an event map and a value source. An
 * attempt keeps the platform's trace id (fbtrace_id, request_id, requestId).
 */
export function adPlatformDestinations(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('postbacks')
        .addColumn('kind', 'text', (c) => c.notNull().defaultTo('url'))
        .execute();
      await db.schema.alterTable('postbacks').addColumn('destination', 'text').execute();
      await db.schema.alterTable('postbacks').addColumn('credentials', 'text').execute();
      await db.schema.alterTable('postbacks').addColumn('credential_hints', 'text').execute();
      await db.schema
        .alterTable('postbacks')
        .addColumn('event_map', 'text', (c) => c.notNull().defaultTo('[]'))
        .execute();
      await db.schema
        .alterTable('postbacks')
        .addColumn('value_source', 'text', (c) => c.notNull().defaultTo('payout'))
        .execute();
      await db.schema.alterTable('delivery_attempts').addColumn('trace_id', 'text').execute();
    },
  };
}
