import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from '../migrate.ts';
import { bigint, notNull, withSerialId } from './column-types.ts';

/**
 * SmartLinks: ordered rules choosing among offers per click. A link may point at one
 * (links.smartlink_id); a click remembers which SmartLink and rule chose its offer.
 */
export function smartlinks({ capabilities }: MigrationContext): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      const s = db.schema;
      await withSerialId(s.createTable('smartlinks'), capabilities)
        .addColumn('name', 'text', notNull)
        .addColumn('rules', 'text', notNull)
        .addColumn('fallback_url', 'text', notNull)
        .addColumn('next_rule_id', 'integer', notNull)
        .addColumn('auto_optimize', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('optimize_window_hours', 'integer', (c) => c.notNull().defaultTo(24))
        .addColumn('optimized_weights', 'text')
        .addColumn('optimized_at', bigint)
        .addColumn('created_at', bigint, notNull)
        .addColumn('updated_at', bigint, notNull)
        .execute();
      await s.alterTable('links').addColumn('smartlink_id', 'integer').execute();
      await s.createIndex('links_smartlink').on('links').column('smartlink_id').execute();
      await s.alterTable('clicks').addColumn('smartlink_id', 'integer').execute();
      await s.alterTable('clicks').addColumn('smartlink_rule', 'integer').execute();
    },
  };
}
