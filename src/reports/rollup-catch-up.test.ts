// The click rollup's catch-up: what reports read (report_clicks_now) is the same before and after
// it, it adds each stored click once however often it runs, and on PostgreSQL it never moves its
// mark past a click whose transaction is still open. The loop that runs it runs the conversion
// rollup's catch-up after it.
import { sql } from 'kysely';
import pino from 'pino';
import { expect, it, vi } from 'vitest';
import { createCatalog } from '../../test/support/fixtures.ts';
import { clickRow } from '../../test/support/rows.ts';
import { describeEachStore, describePostgres } from '../../test/support/stores.ts';
import { CONVERSION_CATCH_UP_CHUNK } from '../db/common/conversion-rollup.ts';
import type { Db } from '../db/database.types.ts';
import type { Store } from '../db/store.ts';
import { insertClicks } from '../tracking/clicks/click.repository.ts';
import { startRollupCatchUp } from './rollup-catch-up.ts';

const START = Date.UTC(2026, 4, 1);

type Catalog = Awaited<ReturnType<typeof createCatalog>>;

function clicksOf({ link, offer, advertiser }: Catalog, n: number, at = START) {
  return Array.from({ length: n }, (_, i) =>
    clickRow({
      link_id: link.id,
      offer_id: offer.id,
      publisher_id: link.publisher_id,
      advertiser_id: advertiser.id,
      country: i % 3 === 0 ? 'DE' : 'FR',
      is_unique: i % 4 === 0 ? 0 : 1,
      created_at: at + i * 97_000,
    }),
  );
}

/** Per bucket and country: clicks and unique clicks as reports see them, and in the rollup alone. */
async function sums(db: Db, table: 'report_clicks_now' | 'report_clicks', linkId: number) {
  const r = await sql<{ bucket: string; country: string; clicks: string; unique_clicks: string }>`
    select bucket, country, sum(clicks) as clicks, sum(unique_clicks) as unique_clicks from ${sql.table(table)}
    where link_id = ${linkId} group by bucket, country order by bucket, country`.execute(db);
  return r.rows.map((x) => [Number(x.bucket), x.country, Number(x.clicks), Number(x.unique_clicks)]);
}

describeEachStore('click rollup catch-up', (current) => {
  it('leaves what reports read as it was, and adds each click once however often it runs', async () => {
    const { store } = current();
    const db = store.db;
    const catalog = await createCatalog(db);
    const { link } = catalog;
    await insertClicks(db, clicksOf(catalog, 60));
    const expected = await sums(db, 'report_clicks_now', link.id);
    expect(expected.reduce((n, r) => n + (r[2] as number), 0)).toBe(60);
    expect(await sums(db, 'report_clicks', link.id)).toEqual([]);

    while ((await store.clicks.catchUpRollup()) > 0) {}
    expect(await sums(db, 'report_clicks', link.id)).toEqual(expected);
    expect(await sums(db, 'report_clicks_now', link.id)).toEqual(expected);
    expect(await store.clicks.catchUpRollup()).toBe(0);
    expect(await sums(db, 'report_clicks_now', link.id)).toEqual(expected);

    // Clicks after the mark are read raw until the next catch-up, then from the rollup.
    await insertClicks(db, clicksOf(catalog, 10, START + 3_000_000));
    const after = await sums(db, 'report_clicks_now', link.id);
    expect(after.reduce((n, r) => n + (r[2] as number), 0)).toBe(70);
    expect(await store.clicks.catchUpRollup()).toBeGreaterThan(0);
    expect(await sums(db, 'report_clicks', link.id)).toEqual(after);
    expect(await sums(db, 'report_clicks_now', link.id)).toEqual(after);
  });

  it('moves the hourly tiers with the 15-minute rollup, up to the same mark', async () => {
    const { store } = current();
    const db = store.db;
    const catalog = await createCatalog(db);
    await insertClicks(db, clicksOf(catalog, 60));
    while ((await store.clicks.catchUpRollup()) > 0) {}
    await insertClicks(db, clicksOf(catalog, 10, START + 3_000_000));
    // Before and after the next catch-up, each tier plus the raw tail sums to the clicks.
    for (let round = 0; round < 2; round++) {
      for (const [table, column, id] of [
        ['report_clicks_by_offer', 'offer_id', catalog.offer.id],
        ['report_clicks_by_publisher', 'publisher_id', catalog.link.publisher_id],
      ] as const) {
        for (const span of [3_600_000]) {
          const r = await sql<{ time: string; clicks: string; unique_clicks: string }>`
            select time, sum(clicks) as clicks, sum(unique_clicks) as unique_clicks from (
              select time, clicks, unique_clicks from ${sql.table(table)}
              where span = ${span} and ${sql.ref(column)} = ${id}
              union all select created_at - created_at % ${span}, 1, is_unique from report_clicks_tail
              where ${sql.ref(column)} = ${id}) x
            group by time order by time`.execute(db);
          const all = [...clicksOf(catalog, 60), ...clicksOf(catalog, 10, START + 3_000_000)];
          const expected = new Map<number, [number, number]>();
          for (const c of all) {
            const t = c.created_at - (c.created_at % span);
            const e = expected.get(t) ?? [0, 0];
            expected.set(t, [e[0] + 1, e[1] + c.is_unique]);
          }
          const got = r.rows.map((x) => [Number(x.time), Number(x.clicks), Number(x.unique_clicks)]);
          expect(got, `${table} ${span}`).toEqual([...expected].map(([t, [n, u]]) => [t, n, u]));
        }
      }
      await store.clicks.catchUpRollup();
    }
  });

  it('moves the day profiles with the 15-minute rollup, up to the same mark', async () => {
    const { store } = current();
    const db = store.db;
    const catalog = await createCatalog(db);
    const first = clicksOf(catalog, 60);
    const second = clicksOf(catalog, 10, START + 3_000_000);
    await insertClicks(db, first);
    while ((await store.clicks.catchUpRollup()) > 0) {}
    await insertClicks(db, second);
    for (const rolled of [first, [...first, ...second]]) {
      for (const [table, column, id] of [
        ['report_click_days_by_offer', 'offer_id', catalog.offer.id],
        ['report_click_days_by_publisher', 'publisher_id', catalog.link.publisher_id],
      ] as const) {
        // The day's totals, and its first 1, 13, 48 and 95 quarter hours.
        const r = await sql<Record<string, string>>`select day, clicks, unique_clicks, c1, u1, c13, u13,
            c48, u48, c95, u95
          from ${sql.table(table)} where ${sql.ref(column)} = ${id} order by day`.execute(db);
        const expected = new Map<number, number[]>();
        for (const c of rolled) {
          const day = c.created_at - (c.created_at % 86_400_000);
          const quarter = Math.floor((c.created_at - day) / 900_000);
          const e = expected.get(day) ?? Array(10).fill(0);
          for (const [i, k] of [96, 1, 13, 48, 95].entries()) {
            if (quarter < k) {
              e[2 * i] += 1;
              e[2 * i + 1] += c.is_unique;
            }
          }
          expected.set(day, e);
        }
        const got = r.rows.map((x) => Object.values(x).map(Number));
        expect(got, table).toEqual([...expected].map(([day, sums]) => [day, ...sums]));
      }
      while ((await store.clicks.catchUpRollup()) > 0) {}
    }
  });
});

describePostgres('click rollup catch-up under an open click transaction', (current) => {
  it('does not move its mark past a click whose transaction has not committed', async () => {
    const { store } = current();
    const db = store.db;
    const catalog = await createCatalog(db);
    const { link } = catalog;
    const [held, later] = clicksOf(catalog, 2);
    while ((await store.clicks.catchUpRollup()) > 0) {}
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inserted!: () => void;
    const isInserted = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    // A click transaction draws its number, then stays open while another click commits after it.
    const open = db.transaction().execute(async (trx) => {
      await insertClicks(trx, [held]);
      inserted();
      await released;
    });
    await isInserted;
    const writeLater = insertClicks(db, [later]);
    // The catch-up cannot take its lock while the click transaction is open, and gives up.
    expect(await store.clicks.catchUpRollup()).toBe(0);
    release();
    await open;
    await writeLater;
    expect(await store.clicks.catchUpRollup()).toBe(2);
    expect((await sums(db, 'report_clicks', link.id)).reduce((n, r) => n + (r[2] as number), 0)).toBe(2);
  });
});

it('catches conversions up after clicks each round, a backlog in chunks, though the clicks fail', async () => {
  vi.useFakeTimers();
  try {
    const calls: string[] = [];
    let backlog = 2;
    const store = {
      clicks: {
        catchUpRollup: async () => {
          calls.push('clicks');
          throw new Error('click rollup unavailable');
        },
      },
      conversionRollup: {
        catchUp: async () => {
          calls.push('conversions');
          return backlog-- > 0 ? CONVERSION_CATCH_UP_CHUNK : 0;
        },
      },
    } as unknown as Store;
    const catchUp = startRollupCatchUp(store, pino({ level: 'silent' }), 1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    await catchUp.stop();
    expect(calls).toEqual(['clicks', 'conversions', 'conversions', 'conversions']);
  } finally {
    vi.useRealTimers();
  }
});
