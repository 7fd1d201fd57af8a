import type { Kysely, Migration } from 'kysely';

/**
 * A postback names the query parameters and path segments of its URL whose values are secret, and
 * a conversion's history records who made a manual change.
 */
export function secretPartsAndEventActor(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('postbacks')
        .addColumn('secret_params', 'text', (c) => c.notNull().defaultTo('[]'))
        .execute();
      await db.schema
        .alterTable('postbacks')
        .addColumn('secret_path_segments', 'text', (c) => c.notNull().defaultTo('[]'))
        .execute();
      await db.schema.alterTable('conversion_events').addColumn('actor', 'text').execute();
    },
  };
}
