import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.ts';
import { isMigrated, migrateToLatest } from './migrate.ts';

describeEachStore('migrations', (current) => {
  it('creates every table and reports itself migrated', async () => {
    const { store } = current();
    expect(await isMigrated(store.db, store.capabilities)).toBe(true);
    const tables = await store.db.introspection.getTables();
    const names = tables.map((t) => t.name);
    for (const t of ['clicks', 'conversions', 'deliveries', 'delivery_attempts', 'postbacks', 'api_keys']) {
      expect(names).toContain(t);
    }
  });

  it('leaves clicks with only their id index, in byte order on PostgreSQL too', async () => {
    const { store } = current();
    const table = (await store.db.introspection.getTables()).find((t) => t.name === 'clicks');
    expect(table).toBeDefined();
    const indexes =
      store.capabilities.dialect === 'postgres'
        ? await sql<{
            name: string;
          }>`select indexname as name from pg_indexes where tablename = 'clicks'`.execute(store.db)
        : await sql<{
            name: string;
          }>`select name from sqlite_master where type = 'index' and tbl_name = 'clicks'`.execute(store.db);
    expect(indexes.rows).toHaveLength(1); // the primary key's
    if (store.capabilities.dialect === 'postgres') {
      const column = await sql<{ collation_name: string }>`
        select collation_name from information_schema.columns where table_name = 'clicks' and column_name = 'id'`.execute(
        store.db,
      );
      expect(column.rows[0].collation_name).toBe('C');
    }
  });

  it('is a no-op the second time', async () => {
    const { store } = current();
    expect(await migrateToLatest(store.db, store.capabilities)).toEqual([]);
  });

  it('reads millisecond timestamps back as numbers', async () => {
    const { store } = current();
    const now = 1_800_000_000_123;
    await store.db
      .insertInto('advertisers')
      .values({
        name: 'a',
        postback_token: `t${now}`,
        ip_allowlist: '[]',
        status_map: '{}',
        created_at: now,
        updated_at: now,
      })
      .execute();
    const row = await store.db
      .selectFrom('advertisers')
      .selectAll()
      .where('postback_token', '=', `t${now}`)
      .executeTakeFirstOrThrow();
    expect(row.created_at).toBe(now);
    expect(typeof row.id).toBe('number');
    const n = await sql<{ n: number }>`select count(*) as n from advertisers`.execute(store.db);
    expect(Number(n.rows[0].n)).toBeGreaterThan(0);
  });
});
