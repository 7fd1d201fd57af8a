import { expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.ts';
import { selectClickTargetBySlug } from '../tracking/clicks/click.repository.ts';

describeEachStore('prepared lookups', (current) => {
  it('finds the first row for a key, and nothing for an unknown key', async () => {
    const { store } = current();
    await store.db
      .insertInto('advertisers')
      .values({ id: 1, name: 'A', postback_token: 'tok-a', created_at: 1, updated_at: 1 } as never)
      .execute();
    const lookup = store.lookups.prepareLookup((db, id) =>
      db.selectFrom('advertisers').select(['id', 'name']).where('id', '=', id),
    );
    expect(await lookup(1)).toEqual({ id: 1, name: 'A' });
    expect(await lookup(2)).toBeUndefined();
    expect(await store.lookups.prepareLookup(selectClickTargetBySlug)('no-such-slug')).toBeUndefined();
  });

  it('refuses, on SQLite, a lookup that reads clicks: it would skip the read barrier', () => {
    const { store, dialect } = current();
    const prepare = () =>
      store.lookups.prepareLookup((db, id) => db.selectFrom('clicks').select('id').where('id', '=', id));
    if (dialect === 'sqlite') expect(prepare).toThrow(/must not read clicks/);
    else expect(prepare).not.toThrow();
  });
});
