import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from '../migrate.ts';
import { bigint, notNull, withSerialId } from './column-types.ts';

/**
 * Dashboard accounts: users (email + scrypt hash, bound like API keys), their sign-in sessions
 * (stored as a hash of the cookie's token), and one-time links (first-run setup, invites). Also the
 * `link` scope of postbacks: a postback tied to one of the publisher's tracking links.
 */
export function users({ capabilities }: MigrationContext): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      const s = db.schema;
      await withSerialId(s.createTable('users'), capabilities)
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', notNull)
        .addColumn('role', 'text', notNull)
        .addColumn('advertiser_id', 'integer')
        .addColumn('publisher_id', 'integer')
        .addColumn('created_at', bigint, notNull)
        .addColumn('updated_at', bigint, notNull)
        .addColumn('disabled_at', bigint)
        .execute();
      await s
        .createTable('user_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'integer', notNull)
        .addColumn('csrf_token', 'text', notNull)
        .addColumn('created_at', bigint, notNull)
        .addColumn('last_seen_at', bigint, notNull)
        .addColumn('expires_at', bigint, notNull)
        .addColumn('revoked_at', bigint)
        .execute();
      await s.createIndex('user_sessions_user').on('user_sessions').column('user_id').execute();
      await s
        .createTable('user_links')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', notNull)
        .addColumn('email', 'text')
        .addColumn('role', 'text', notNull)
        .addColumn('advertiser_id', 'integer')
        .addColumn('publisher_id', 'integer')
        .addColumn('created_by', 'integer')
        .addColumn('created_at', bigint, notNull)
        .addColumn('expires_at', bigint, notNull)
        .addColumn('used_at', bigint)
        .execute();
      await s.alterTable('postbacks').addColumn('link_id', 'integer').execute();
    },
  };
}
