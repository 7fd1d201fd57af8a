import type Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { clickRow, OPTIONAL_CLICK_COLUMNS } from '../../../test/support/rows.ts';
import { openTestStore, type TestStore } from '../../../test/support/stores.ts';
import type { ClickRow } from '../../tracking/clicks/click.table.ts';
import { packClick } from '../common/click-columns.ts';
import { sqliteHandleOf } from '../driver-handles.ts';
import { createSqliteRowWriter, type RowWriterOptions } from './click-inserter.ts';

let testStore: TestStore;
beforeEach(async () => {
  testStore = await openTestStore('sqlite');
});
afterEach(() => testStore.close());

/** Row `i`: each optional column holds a value or null by its own pattern, so column sets differ. */
function patchyClick(i: number): ClickRow {
  const row = clickRow({ link_id: i, offer_id: 2, publisher_id: 3, advertiser_id: 4, is_bot: i % 2 });
  row.id = `r-${String(i).padStart(4, '0')}`;
  OPTIONAL_CLICK_COLUMNS.forEach((column, c) => {
    row[column] = (i >> (c % 8)) & 1 ? `${column} of ${i}` : null;
  });
  return row;
}

/** The writer, taking rows as the tests build them. */
function writerOf(store: TestStore, options?: RowWriterOptions): (rows: ClickRow[]) => void {
  const write = createSqliteRowWriter(sqliteOf(store), options);
  return (rows) => write(rows.map(packClick));
}

function stored(): Promise<ClickRow[]> {
  return testStore.store.db.selectFrom('clicks').selectAll().orderBy('id').execute();
}

function sqliteOf(store: TestStore): Database.Database {
  return sqliteHandleOf(store.store);
}

it('stores rows of many different column sets with every column exactly as given', async () => {
  const rows = Array.from({ length: 300 }, (_, i) => patchyClick(i));
  const write = writerOf(testStore);
  write(rows.slice(0, 7));
  write(rows.slice(7));
  expect(await stored()).toEqual(rows);
});

it('stores a row with every column set, and one with only what is required', async () => {
  const full = patchyClick(255);
  for (const column of OPTIONAL_CLICK_COLUMNS) full[column] = `all ${column}`;
  const bare = clickRow({ link_id: 1, offer_id: 1, publisher_id: 1, advertiser_id: 1 });
  bare.id = 'r-bare';
  writerOf(testStore)([full, bare]);
  expect(await stored()).toEqual([full, bare].sort((a, b) => a.id.localeCompare(b.id)));
});

it('stores long runs of one column set, many rows to a statement, and what is left over', async () => {
  // 100 = 32 + 32 + 32 + 4 rows of one column set, 39 = 32 + 4 + 2 + 1 of another, interleaved.
  const rows = Array.from({ length: 139 }, (_, i) => {
    const row = patchyClick(i < 100 ? 3 : 5);
    row.id = `r-${String(i).padStart(4, '0')}`;
    return row;
  });
  const interleaved = [...rows.filter((_, i) => i % 2 === 0), ...rows.filter((_, i) => i % 2 === 1)];
  writerOf(testStore)(interleaved);
  expect(await stored()).toEqual(rows);
});

it('skips rows already stored when told to, storing the rest of the batch', async () => {
  const rows = Array.from({ length: 40 }, (_, i) => patchyClick(i % 2));
  rows.forEach((row, i) => {
    row.id = `r-${String(i).padStart(4, '0')}`;
  });
  writerOf(testStore)(rows.slice(0, 25));
  const changed = { ...rows[3], sub1: 'not this' };
  writerOf(testStore, { ignoreStored: true })([changed, ...rows.slice(20)]);
  expect(await stored()).toEqual(rows);
});

it('rolls each click up once, also when a replayed batch held clicks stored already', async () => {
  const rows = Array.from({ length: 40 }, (_, i) => patchyClick(i % 2));
  rows.forEach((row, i) => {
    row.id = `r-${String(i).padStart(4, '0')}`;
    row.created_at = Date.UTC(2026, 0, 1) + i * 60_000; // 40 minutes: three 15-minute buckets
    row.is_unique = i % 3 === 0 ? 0 : 1;
  });
  writerOf(testStore)(rows.slice(0, 25));
  // A journal replayed after a crash: clicks 20-24 were imported before it, and one repeats.
  writerOf(testStore, { ignoreStored: true })([rows[3], ...rows.slice(20), rows[30]]);
  expect(await testStore.store.clicks.catchUpRollup()).toBe(rows.length);
  expect(await testStore.store.clicks.catchUpRollup()).toBe(0);
  const rollup = await testStore.store.db
    .selectFrom('report_clicks')
    .select([
      'bucket',
      (eb) => eb.fn.sum<number>('clicks').as('clicks'),
      (eb) => eb.fn.sum<number>('unique_clicks').as('unique'),
    ])
    .groupBy('bucket')
    .orderBy('bucket')
    .execute();
  const expected = [0, 1, 2].map((q) => {
    const inBucket = rows.filter((r) => Math.floor((r.created_at - Date.UTC(2026, 0, 1)) / 900_000) === q);
    return {
      bucket: Date.UTC(2026, 0, 1) + q * 900_000,
      clicks: inBucket.length,
      unique: inBucket.filter((r) => r.is_unique === 1).length,
    };
  });
  expect(
    rollup.map((r) => ({ bucket: Number(r.bucket), clicks: Number(r.clicks), unique: Number(r.unique) })),
  ).toEqual(expected);
});

it('falls back to the statement naming every column once its cache of column sets is full', async () => {
  const rows = Array.from({ length: 40 }, (_, i) => patchyClick(i));
  writerOf(testStore, { maxStatements: 2 })(rows);
  expect(await stored()).toEqual(rows);
});

it('writes a batch all or nothing when one row breaks the primary key', async () => {
  const write = writerOf(testStore);
  const rows = Array.from({ length: 5 }, (_, i) => patchyClick(i));
  rows[4] = { ...rows[4], id: rows[1].id };
  expect(() => write(rows)).toThrow(/UNIQUE constraint/);
  expect(await stored()).toEqual([]);
});
