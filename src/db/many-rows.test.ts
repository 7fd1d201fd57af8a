import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.ts';
import { readManyRows } from './many-rows.ts';

const VALUES = sql.raw(`(values (1, 9007199254740991, 0.1, 'USD', null),
  (2, -5, 1e300, 'naïve "quoted" \\ text, tab	✓ 𝄞', 'x'),
  (3, 0, 123456789.12345679, '', null)) as v`);
const COLUMNS = ['a', 'b', 'c', 'd', 'e'];
const select = (where: string) =>
  sql<Record<string, unknown>>`select column1 as a, column2 as b, column3 as c, column4 as d, column5 as e
    from ${VALUES} where ${sql.raw(where)} order by column1`;

describeEachStore('many rows read at once', (current) => {
  it('reads integers, reals, text and nulls back as the driver does', async () => {
    const db = current().store.db;
    const driver = (await select('1 = 1').execute(db)).rows;
    expect(await readManyRows(db, select('1 = 1'), COLUMNS)).toEqual(driver);
    expect(driver.map((r) => r.d)).toEqual(['USD', 'naïve "quoted" \\ text, tab\t✓ 𝄞', '']);
  });

  it('reads no rows as none', async () => {
    expect(await readManyRows(current().store.db, select('1 = 0'), COLUMNS)).toEqual([]);
  });
});
