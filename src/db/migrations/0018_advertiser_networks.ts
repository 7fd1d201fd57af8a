import type { Kysely, Migration } from 'kysely';

/**
 * Advertisers named by `network=` on the shared /postback endpoint (a unique slug), their
 * parameter preset and own parameter names, and the secret a network signs its callbacks with.
 */
export function advertiserNetworks(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      const s = db.schema;
      await s.alterTable('advertisers').addColumn('network', 'text').execute();
      await s.alterTable('advertisers').addColumn('parameter_preset', 'text').execute();
      await s
        .alterTable('advertisers')
        .addColumn('parameter_map', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute();
      await s.alterTable('advertisers').addColumn('signature_secret', 'text').execute();
      // NULLs never collide, so advertisers without a network stay free of the index.
      await s.createIndex('advertisers_network').on('advertisers').column('network').unique().execute();
    },
  };
}
