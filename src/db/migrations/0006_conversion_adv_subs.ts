import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from '../migrate.ts';

/** adv1–adv10: the sub1–sub10 an advertiser sends on its postback, kept so postbacks can forward them. */
export function conversionAdvSubs(_context: MigrationContext): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      for (let n = 1; n <= 10; n++) {
        await db.schema.alterTable('conversions').addColumn(`adv${n}`, 'text').execute();
      }
    },
  };
}
