import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from '../migrate.ts';
import { money, notNull, withSerialId } from './column-types.ts';

/**
 * Offers and goals say how the publisher is paid: a fixed amount, or a share (percent) of the
 * revenue. An offer may pay one publisher differently from the rest. A postback says whose
 * receiver it reaches: the publisher's (which may not read the network's money) or the network's.
 */
export function moneyTerms({ capabilities }: MigrationContext): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      const s = db.schema;
      await s
        .alterTable('offers')
        .addColumn('payout_type', 'text', (c) => c.notNull().defaultTo('fixed'))
        .execute();
      await s
        .alterTable('offer_goals')
        .addColumn('payout_type', 'text', (c) => c.notNull().defaultTo('fixed'))
        .execute();
      await withSerialId(s.createTable('offer_publisher_payouts'), capabilities)
        .addColumn('offer_id', 'integer', (c) => c.notNull().references('offers.id').onDelete('cascade'))
        .addColumn('publisher_id', 'integer', (c) =>
          c.notNull().references('publishers.id').onDelete('cascade'),
        )
        .addColumn('payout_type', 'text', notNull)
        .addColumn('payout', money, notNull)
        .addUniqueConstraint('offer_publisher_payouts_offer_publisher', ['offer_id', 'publisher_id'])
        .execute();
      await s
        .alterTable('postbacks')
        .addColumn('audience', 'text', (c) => c.notNull().defaultTo('publisher'))
        .execute();
    },
  };
}
