import { beforeAll, expect, it } from 'vitest';
import { clickRow } from '../../test/support/rows.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import type { ClickRow } from './click.table.ts';
import { type ClickListFilter, listClicks } from './click-list.repository.ts';

const T0 = 1_800_000_000_000;

/**
 * 60 clicks over 30 ms, two per millisecond; publisher 7 owns every tenth one, publisher 8 none.
 * The times cross boundaries where an id's leading characters change class ('-', digits, upper
 * case, '_', lower case), which a linguistic collation would misorder.
 */
function clickAt(i: number): ClickRow {
  return clickRow({
    link_id: i % 3,
    offer_id: 100 + (i % 2),
    publisher_id: i % 10 === 0 ? 7 : 1,
    advertiser_id: 1,
    created_at: T0 + Math.floor(i / 2),
  });
}

/** Every page's rows, following cursors from the first page; also counts the pages. */
async function allPages(
  list: (f: ClickListFilter) => Promise<{ rows: ClickRow[]; nextBeforeId: string | null }>,
  filter: ClickListFilter,
): Promise<{ ids: string[]; pages: number[] }> {
  const ids: string[] = [];
  const pages: number[] = [];
  let beforeId: string | undefined;
  for (let guard = 0; guard < 200; guard++) {
    const page = await list({ ...filter, beforeId });
    ids.push(...page.rows.map((r) => r.id));
    pages.push(page.rows.length);
    if (page.nextBeforeId === null) return { ids, pages };
    beforeId = page.nextBeforeId;
  }
  throw new Error('paging did not end');
}

describeEachStore('click list', (current) => {
  const clicks = Array.from({ length: 60 }, (_, i) => clickAt(i));
  const newestFirst = (rows: ClickRow[]) =>
    [...rows].sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : -1));
  const list = (f: ClickListFilter) => listClicks(current().store.db, f);

  beforeAll(async () => {
    await current().store.db.insertInto('clicks').values(clicks).execute();
  });

  it('pages through every click once, newest first, across equal milliseconds', async () => {
    const { ids, pages } = await allPages(list, { limit: 7 });
    expect(ids).toEqual(newestFirst(clicks).map((c) => c.id));
    expect(pages.slice(0, -1).every((n) => n === 7)).toBe(true);
  });

  it('keeps to a time window: from inclusive, to exclusive', async () => {
    const { ids } = await allPages(list, { limit: 4, from: T0 + 5, to: T0 + 9 });
    const expected = clicks.filter((c) => c.created_at >= T0 + 5 && c.created_at < T0 + 9);
    expect(expected).toHaveLength(8);
    expect(ids).toEqual(newestFirst(expected).map((c) => c.id));
  });

  it('reads a bounded slice per filtered page and still reaches every match once, in order', async () => {
    const { ids, pages } = await allPages(list, { limit: 2, publisherId: 7, scanLimit: 8 });
    expect(ids).toEqual(newestFirst(clicks.filter((c) => c.publisher_id === 7)).map((c) => c.id));
    // 60 clicks in slices of 8: short pages carry the cursor on instead of reading everything.
    expect(pages.length).toBeGreaterThanOrEqual(60 / 8);
    expect(Math.min(...pages)).toBeLessThan(2);
  });

  it('combines filters with a window, and ends at once when nothing matches', async () => {
    const window = { from: T0 + 3, to: T0 + 25 };
    const { ids } = await allPages(list, { limit: 3, offerId: 101, linkId: 2, scanLimit: 5, ...window });
    const expected = clicks.filter(
      (c) => c.offer_id === 101 && c.link_id === 2 && c.created_at >= window.from && c.created_at < window.to,
    );
    expect(expected.length).toBeGreaterThan(2);
    expect(ids).toEqual(newestFirst(expected).map((c) => c.id));
    expect(await list({ limit: 10, publisherId: 8 })).toEqual({ rows: [], nextBeforeId: null });
  });
});
