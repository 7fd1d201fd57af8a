import type { Kysely, Migration } from 'kysely';

/**
 * What clicks do once a cap is reached: keep going to the offer ('offer', as before) or go to the
 * cap's fallback URL ('fallback').
 */
export function capClickAction(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('offer_caps')
        .addColumn('click_action', 'text', (c) => c.notNull().defaultTo('offer'))
        .execute();
      await db.schema.alterTable('offer_caps').addColumn('fallback_url', 'text').execute();
    },
  };
}
