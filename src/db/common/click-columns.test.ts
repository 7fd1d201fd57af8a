import { expect, it } from 'vitest';
import type { NewClickRow } from '../../tracking/clicks/click.table.ts';
import { CLICK_COLUMNS, readClickValues } from './click-columns.ts';

it('reads every column, in CLICK_COLUMNS order', () => {
  // A different value in every column, so a swapped or missing read shows.
  const row = Object.fromEntries(
    CLICK_COLUMNS.map((column, i) => [column, `${column}#${i}`]),
  ) as never as NewClickRow;
  const out: unknown[] = [];
  readClickValues(row, out);
  expect(out).toEqual(CLICK_COLUMNS.map((column) => row[column]));
});

it('reads absent optional columns as null', () => {
  const row: NewClickRow = {
    id: 'x',
    link_id: 1,
    offer_id: 2,
    publisher_id: 3,
    advertiser_id: 4,
    is_bot: 0,
    created_at: 5,
  };
  const out: unknown[] = [];
  readClickValues(row, out);
  expect(out).toEqual(
    CLICK_COLUMNS.map((column) => (column in row ? row[column as keyof typeof row] : null)),
  );
  expect(out).toHaveLength(CLICK_COLUMNS.length);
});
