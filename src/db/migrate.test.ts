import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.ts';
import { isMigrated, migrateToLatest } from './migrate.ts';
import type { Store } from './store.ts';

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

  const indexesOf = async (store: Store, table: string) => {
    const found =
      store.capabilities.dialect === 'postgres'
        ? await sql<{
            name: string;
          }>`select indexname as name from pg_indexes where tablename = ${table}`.execute(store.db)
        : await sql<{
            name: string;
          }>`select name from sqlite_master where type = 'index' and tbl_name = ${table}`.execute(store.db);
    return found.rows.map((r) => r.name);
  };
  // The test database's default collation may already be byte order: ask for the column's own.
  const idCollation = async (store: Store, table: string) =>
    (
      await sql<{ collation_name: string | null }>`
        select collation_name from information_schema.columns where table_name = ${table} and column_name = 'id'`.execute(
        store.db,
      )
    ).rows[0].collation_name;

  it('leaves clicks with only their id index (and a BRIN on seq), in byte order on PostgreSQL too', async () => {
    const { store } = current();
    // The primary key's; on PostgreSQL also the block range index the click rollup's catch-up reads
    // new clicks by (migration 0009), which a click pays only when it opens a new range.
    const postgres = store.capabilities.dialect === 'postgres';
    const indexes = await indexesOf(store, 'clicks');
    expect(indexes).toHaveLength(postgres ? 2 : 1);
    if (postgres) expect(indexes).toContain('clicks_seq_brin');
    if (store.capabilities.dialect === 'postgres') expect(await idCollation(store, 'clicks')).toBe('C');
  });

  it('lists conversions and deliveries in id order: no per-publisher time indexes, byte-order ids', async () => {
    const { store } = current();
    const conversionIndexes = await indexesOf(store, 'conversions');
    expect(conversionIndexes).not.toContain('conversions_publisher_time');
    expect(conversionIndexes).not.toContain('conversions_advertiser_time');
    expect(conversionIndexes).toContain('conversions_click');
    expect(await indexesOf(store, 'deliveries')).toContain('deliveries_postback');
    if (store.capabilities.dialect === 'postgres') {
      expect(await idCollation(store, 'conversions')).toBe('C');
      expect(await idCollation(store, 'deliveries')).toBe('C');
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
