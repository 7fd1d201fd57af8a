import type pg from 'pg';
import { expect, it } from 'vitest';
import { clickRow, OPTIONAL_CLICK_COLUMNS } from '../../../test/support/rows.ts';
import { describePostgres, type TestStore } from '../../../test/support/stores.ts';
import type { ClickRow } from '../../tracking/clicks/click.table.ts';
import { CLICK_COLUMNS, CLICK_COLUMNS as COLUMNS } from '../common/click-columns.ts';
import { rowsJson } from '../common/rows-json.ts';
import { postgresPoolOf } from '../driver-handles.ts';
import { createPostgresClickInserter, postgresClickInsertSql } from './click-inserter.ts';

// Strings that JSON must escape, that look like other JSON values, or that a careless encoding would
// turn into NULL.
const AWKWARD = [
  '',
  ' ',
  'NULL',
  'null',
  '"',
  "'",
  ',',
  '{',
  '}',
  '{a,b}',
  '{"k":["v,1",null]}',
  '\\',
  '\\"',
  '\\ud800 \\u0000 \\n',
  '[1,2]',
  'true',
  '123',
  'a"b\\c',
  ' padded ',
  'line\nbreak\ttab\r',
  'Grüße — 日本語 🎉',
  '\u0001\u007f',
  `long ${'ü'.repeat(3000)}`,
];

/** Row `i` of a batch: every text column awkward or null, integers at their limits on some rows. */
function awkwardClick(i: number, batch: string): ClickRow {
  const row = clickRow({
    link_id: i % 3 === 0 ? 2_147_483_647 : i,
    offer_id: i % 4 === 0 ? -1 : 7,
    publisher_id: 0,
    advertiser_id: i + 1,
    is_bot: i % 2,
    created_at: i === 0 ? Number.MAX_SAFE_INTEGER : Date.UTC(2026, 0, 1) + i,
  });
  row.id = `${batch}-${String(i).padStart(4, '0')}-${row.id}`;
  OPTIONAL_CLICK_COLUMNS.forEach((column, c) => {
    row[column] = (i + c) % 5 === 0 ? null : AWKWARD[(i + c) % AWKWARD.length];
  });
  return row;
}

function poolOf(testStore: TestStore): pg.Pool {
  return postgresPoolOf(testStore.store);
}

async function storedBatch(testStore: TestStore, batch: string): Promise<ClickRow[]> {
  return testStore.store.db
    .selectFrom('clicks')
    .select(CLICK_COLUMNS)
    .where('id', 'like', `${batch}-%`)
    .orderBy('id')
    .execute();
}

it('has one statement text whatever the batch size, naming every column, with one parameter', () => {
  const text = postgresClickInsertSql(COLUMNS);
  expect(text.match(/\$\d+/g)).toEqual(['$1']);
  for (const column of COLUMNS) expect(text).toContain(column);
});

it('sends lone surrogates as U+FFFD, as a plain string parameter would, and leaves the rest alone', () => {
  const base = awkwardClick(1, 'j');
  const row = (referrer: string) => ({ ...base, referrer });
  const decoded = (referrer: string) => JSON.parse(rowsJson([row(referrer)]))[0].referrer;
  expect(decoded('a\ud800b')).toBe('a\ufffdb');
  expect(decoded('\udc00\ud83d\ude00\ud83d')).toBe('\ufffd😀\ufffd');
  expect(decoded('\\ud800 is text')).toBe('\\ud800 is text');
  expect(rowsJson([row('Grüße 😀')])).toBe(JSON.stringify([row('Grüße 😀')]));
});

describePostgres('PostgreSQL click inserter', (current) => {
  for (const size of [1, 7, 300]) {
    it(`stores a batch of ${size} with every column exactly as given`, async () => {
      const testStore = current();
      const insert = createPostgresClickInserter(poolOf(testStore), COLUMNS);
      const batch = `b${size}`;
      const rows = Array.from({ length: size }, (_, i) => awkwardClick(i, batch));
      await insert(rows);
      expect(await storedBatch(testStore, batch)).toEqual(rows);
    });
  }

  it('keeps every awkward string and null apart from the string "NULL"', async () => {
    const testStore = current();
    const insert = createPostgresClickInserter(poolOf(testStore), COLUMNS);
    const rows = AWKWARD.map((value, i) => {
      const row = clickRow({ link_id: 1, offer_id: 1, publisher_id: 1, advertiser_id: 1, is_bot: 1 });
      row.id = `aw-${String(i).padStart(4, '0')}`;
      for (const column of OPTIONAL_CLICK_COLUMNS) row[column] = value;
      row.referrer = null;
      return row;
    });
    await insert(rows);
    expect(await storedBatch(testStore, 'aw')).toEqual(rows);
  });

  it('stores a lone surrogate as U+FFFD instead of failing the batch', async () => {
    const testStore = current();
    const insert = createPostgresClickInserter(poolOf(testStore), COLUMNS);
    const row = { ...awkwardClick(1, 'ls'), referrer: 'a\ud800b', sub1: '\\ud800' };
    await insert([row]);
    expect(await storedBatch(testStore, 'ls')).toEqual([{ ...row, referrer: 'a\ufffdb' }]);
  });

  it('writes a batch all or nothing when one row breaks the primary key', async () => {
    const testStore = current();
    const insert = createPostgresClickInserter(poolOf(testStore), COLUMNS);
    const stored = awkwardClick(0, 'dup0');
    await insert([stored]);

    const againstStored = Array.from({ length: 7 }, (_, i) => awkwardClick(i + 1, 'dup1'));
    againstStored[5] = { ...againstStored[5], id: stored.id };
    await expect(insert(againstStored)).rejects.toThrow(/duplicate key/);
    expect(await storedBatch(testStore, 'dup1')).toEqual([]);

    const withinBatch = Array.from({ length: 7 }, (_, i) => awkwardClick(i, 'dup2'));
    withinBatch[6] = { ...withinBatch[6], id: withinBatch[2].id };
    await expect(insert(withinBatch)).rejects.toThrow(/duplicate key/);
    expect(await storedBatch(testStore, 'dup2')).toEqual([]);
    expect(await storedBatch(testStore, 'dup0')).toEqual([stored]);
  });

  it('does nothing with an empty batch', async () => {
    const testStore = current();
    await createPostgresClickInserter(poolOf(testStore), COLUMNS)([]);
  });
});
