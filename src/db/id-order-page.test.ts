import { beforeAll, expect, it } from 'vitest';
import { clickRow, conversionRow } from '../../test/support/rows.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { listDeliveries } from '../deliveries/delivery-query.repository.ts';
import { newDeliveryRow } from '../deliveries/outbox/enqueue-deliveries.ts';
import { listConversions } from '../reports/activity.repository.ts';
import { listClicks } from '../tracking/clicks/click-list.repository.ts';
import type { Db } from './database.types.ts';
import type { IdOrderedTable, IdPage, IdPageWindow } from './id-order-page.ts';

const T0 = 1_800_000_000_000;

interface Row {
  id: string;
  created_at: number;
  publisher_id: number;
}

type Filters = { publisherId?: number; offerId?: number; postbackId?: number };
type ListFilter = IdPageWindow & Filters;

/**
 * One activity list: how to store its rows, and how to list them. Every kind filters by publisher;
 * `second` is another of its filters, which half the rows (every odd one) match.
 */
interface Kind {
  table: IdOrderedTable;
  rowAt(i: number, createdAt: number, publisherId: number): Row;
  list(db: Db, f: ListFilter): Promise<IdPage<Row>>;
  second: { filter: Filters; keeps(row: Row): boolean };
}

const oddOffer = {
  filter: { offerId: 101 },
  keeps: (r: Row) => (r as { offer_id?: number }).offer_id === 101,
};

const conversionOf = (i: number, createdAt: number, publisherId: number) =>
  conversionRow({
    offer_id: 100 + (i % 2),
    publisher_id: publisherId,
    advertiser_id: 1,
    link_id: 1,
    created_at: createdAt,
  });

const KINDS: Kind[] = [
  {
    table: 'clicks',
    rowAt: (i, createdAt, publisherId) =>
      clickRow({
        link_id: i % 3,
        offer_id: 100 + (i % 2),
        publisher_id: publisherId,
        advertiser_id: 1,
        created_at: createdAt,
      }),
    list: listClicks,
    second: oddOffer,
  },
  {
    table: 'conversions',
    rowAt: conversionOf,
    list: listConversions,
    second: oddOffer,
  },
  {
    table: 'deliveries',
    rowAt: (i, createdAt, publisherId) =>
      newDeliveryRow(i, 1 + (i % 2), conversionOf(i, createdAt, publisherId), 'pending', createdAt) as Row,
    list: listDeliveries,
    second: {
      filter: { postbackId: 2 },
      keeps: (r) => (r as { postback_id?: number }).postback_id === 2,
    },
  },
];

/** Every page's rows, following cursors from the first page; also counts the pages. */
async function allPages(
  list: (f: IdPageWindow) => Promise<IdPage<Row>>,
  filter: IdPageWindow,
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

for (const kind of KINDS) {
  describeEachStore(`${kind.table} in id order`, (current) => {
    /**
     * 60 rows over 30 ms, two per millisecond; publisher 7 owns every tenth one, publisher 8 none.
     * The times cross boundaries where an id's leading characters change class ('-', digits, upper
     * case, '_', lower case), which a linguistic collation would misorder.
     */
    const rows = Array.from({ length: 60 }, (_, i) =>
      kind.rowAt(i, T0 + Math.floor(i / 2), i % 10 === 0 ? 7 : 1),
    );
    const newestFirst = (some: Row[]) =>
      [...some].sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : -1)).map((r) => r.id);
    const list = (f: ListFilter) => kind.list(current().store.db, f);

    beforeAll(async () => {
      // Each kind's rowAt builds a full row of its table; Row names only what the tests read.
      await current()
        .store.db.insertInto(kind.table)
        .values(rows as never[])
        .execute();
    });

    it('pages through every row once, newest first, across equal milliseconds', async () => {
      const { ids, pages } = await allPages(list, { limit: 7 });
      expect(ids).toEqual(newestFirst(rows));
      expect(pages.slice(0, -1).every((n) => n === 7)).toBe(true);
    });

    it('keeps to a time window: from inclusive, to exclusive', async () => {
      const { ids } = await allPages(list, { limit: 4, from: T0 + 5, to: T0 + 9 });
      const expected = rows.filter((r) => r.created_at >= T0 + 5 && r.created_at < T0 + 9);
      expect(expected).toHaveLength(8);
      expect(ids).toEqual(newestFirst(expected));
    });

    it('reads a bounded slice per filtered page and still reaches every match once, in order', async () => {
      const { ids, pages } = await allPages((f) => list({ ...f, publisherId: 7 }), {
        limit: 2,
        scanLimit: 8,
      });
      expect(ids).toEqual(newestFirst(rows.filter((r) => r.publisher_id === 7)));
      // 60 rows in slices of 8: short pages carry the cursor on instead of reading everything.
      expect(pages.length).toBeGreaterThanOrEqual(60 / 8);
      expect(Math.min(...pages)).toBeLessThan(2);
    });

    it('combines filters with a window, and ends at once when nothing matches', async () => {
      const window = { from: T0 + 3, to: T0 + 25 };
      const { ids } = await allPages((f) => list({ ...f, publisherId: 1, ...kind.second.filter }), {
        limit: 3,
        scanLimit: 5,
        ...window,
      });
      const expected = rows.filter(
        (r) =>
          r.publisher_id === 1 &&
          kind.second.keeps(r) &&
          r.created_at >= window.from &&
          r.created_at < window.to,
      );
      expect(expected.length).toBeGreaterThan(2);
      expect(ids).toEqual(newestFirst(expected));
      expect(await list({ limit: 10, publisherId: 8 })).toEqual({ rows: [], nextBeforeId: null });
    });
  });
}
