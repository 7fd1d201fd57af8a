import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The review queue (pending conversions a rule or the payout check flagged) gets a partial index of
 * its own, so it pages and counts over the held rows alone, however many conversions there are.
 */
export function heldConversions(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      await db.schema
        .createIndex('conversions_held')
        .on('conversions')
        .column('id')
        .where(sql.ref('status'), '=', sql.lit('pending'))
        .where(sql.ref('needs_review'), '=', sql.lit(1))
        .execute();
    },
  };
}
