// Prepared queries reach PostgreSQL as named statements, prepared once per connection, and keep
// working when a later migration adds a column to their table.
import { type Generated, type Kysely, sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { describePostgres } from '../../../test/support/stores.ts';
import type { Db } from '../database.types.ts';
import { preparedQuery } from '../prepared-query.ts';

interface ItemsDb {
  items: { id: Generated<number>; label: string };
}
const items = (db: Db) => db as unknown as Kysely<ItemsDb>;
const findItem = preparedQuery(1, (db, label) =>
  items(db).selectFrom('items').select(['id', 'label']).where('label', '=', label),
);

describePostgres('named statements', (current) => {
  const db = () => current().store.db;
  beforeAll(async () => {
    await sql`create table items (id serial primary key, label text not null)`.execute(db());
    await sql`insert into items (label) values ('first')`.execute(db());
  });

  it('a prepared query is prepared once on its connection, then only executed', async () => {
    const prepared = await db()
      .transaction()
      .execute(async (trx) => {
        await findItem(trx, 'first');
        await findItem(trx, 'second');
        return sql<{ name: string; statement: string }>`
          select name, statement from pg_prepared_statements where statement like '%"items"%'`.execute(trx);
      });
    expect(prepared.rows).toHaveLength(1);
    expect(prepared.rows[0].name).toMatch(/^trackwire_q\d+$/);
  });

  it('other queries stay unnamed', async () => {
    const prepared = await db()
      .transaction()
      .execute(async (trx) => {
        await items(trx).selectFrom('items').select('label').where('label', '=', 'first').execute();
        return sql<{ name: string }>`
          select name from pg_prepared_statements where statement like '%select "label" from "items"%'`.execute(
          trx,
        );
      });
    expect(prepared.rows).toEqual([]);
  });

  it('keeps working on a connection that prepared it after a column is added to its table', async () => {
    const found = await db()
      .transaction()
      .execute(async (trx) => {
        await findItem(trx, 'first');
        await sql`alter table items add column note text`.execute(trx);
        return findItem(trx, 'first');
      });
    expect(found.rows).toEqual([{ id: 1, label: 'first' }]);
  });
});
