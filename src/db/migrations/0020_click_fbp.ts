import type { Kysely, Migration } from 'kysely';

/**
 * A click keeps Meta's browser id (`fbp`, `fb.1.<ms>.<random>`) when the link or the tracker's own
 * `_fbp` cookie carried one, exactly as received, so the Conversions API can be told it.
 */
export function clickFbp(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      await db.schema.alterTable('clicks').addColumn('fbp', 'text').execute();
    },
  };
}
