import type { Kysely, Migration } from 'kysely';

/** A postback names the query parameters and path segments of its URL whose values are secret. */
export function postbackSecretParts(): Migration {
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
    },
  };
}
