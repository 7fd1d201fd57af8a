// The conversion rollup against the conversions it counts, when many rows change in one statement
// (a batch of new conversions, bulk status and amount changes, an erasure) and when concurrent
// transactions write conversions of the same rollup rows.
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { type LinkRef, linkRefOf, seedClick } from '../../test/support/activity-rows.ts';
import { createCatalog } from '../../test/support/fixtures.ts';
import { conversionRow } from '../../test/support/rows.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { insertConversionsUnlessDuplicate } from '../conversions/conversion.repository.ts';
import type { ConversionRow, Status } from '../conversions/conversion.table.ts';
import { inTransactionWithRetry } from '../conversions/lifecycle/apply-status-change.ts';
import type { Db } from '../db/database.types.ts';
import type { ClickRow } from '../tracking/clicks/click.table.ts';

const AT = Date.UTC(2026, 5, 1);
const QUARTER_HOUR = 900_000;
const STATUS_COUNTS = ['pending', 'approved', 'rejected', 'declined', 'reversed'] as const;
const MEASURES = [...STATUS_COUNTS, 'revenue', 'payout'] as const;

type Counts = Record<(typeof MEASURES)[number], number>;
const countsOf = (value: (measure: (typeof MEASURES)[number]) => number) =>
  Object.fromEntries(MEASURES.map((m) => [m, value(m)])) as Counts;

/** What the rollup must hold for `conversions` (their current rows), by rollup key, zero rows left out. */
function expectedRollup(conversions: Iterable<ConversionRow>, clicks: Map<string, ClickRow>) {
  const rows = new Map<string, Counts>();
  for (const cv of conversions) {
    const click = clicks.get(cv.click_id);
    const bucket = (t: number) => t - (t % QUARTER_HOUR);
    const key = [
      bucket(cv.created_at),
      click ? bucket(click.created_at) : bucket(cv.created_at),
      cv.link_id,
      cv.offer_id,
      cv.goal,
      click?.country ?? '',
      click?.device ?? '',
      click?.os ?? '',
      click?.browser ?? '',
    ].join('|');
    const row = rows.get(key) ?? countsOf(() => 0);
    row[cv.status as (typeof STATUS_COUNTS)[number]]++;
    if (cv.status === 'pending' || cv.status === 'approved') {
      row.revenue += cv.revenue;
      row.payout += cv.payout;
    }
    rows.set(key, row);
  }
  return rounded(rows);
}

async function storedRollup(db: Db) {
  const rows = await db.selectFrom('report_conversions').selectAll().execute();
  const byKey = new Map<string, Counts>();
  for (const r of rows) {
    const counts = countsOf((m) => Number(r[m]));
    // A row whose conversions all moved away or were deleted stays behind with zeros.
    if (Object.values(counts).every((n) => Math.abs(n) < 1e-9)) continue;
    const key = [
      r.bucket,
      r.click_bucket,
      r.link_id,
      r.offer_id,
      r.goal,
      r.country,
      r.device,
      r.os,
      r.browser,
    ].join('|');
    byKey.set(key, counts);
  }
  return rounded(byKey);
}

/** Sorted entries with money to the cent, so float sums in another order compare equal. */
function rounded(rows: Map<string, Counts>) {
  return [...rows.entries()]
    .map(([key, c]) => [key, { ...c, revenue: c.revenue.toFixed(2), payout: c.payout.toFixed(2) }] as const)
    .sort(([a], [b]) => (a < b ? -1 : 1));
}

describeEachStore('conversion rollup', (current) => {
  const clicks = new Map<string, ClickRow>();
  const links: LinkRef[] = [];

  beforeAll(async () => {
    const db = current().store.db;
    for (let i = 0; i < 2; i++) links.push(linkRefOf(await createCatalog(db)));
    // Clicks that share a quarter hour and dimensions, so conversions of one statement share rollup rows.
    const specs = [
      { link: 0, at: AT, country: 'DE' },
      { link: 0, at: AT + 60_000, country: 'DE' },
      { link: 0, at: AT + 120_000, country: 'US' },
      { link: 1, at: AT + QUARTER_HOUR, country: null },
    ];
    for (const s of specs) {
      const click = await seedClick(db, links[s.link], s.at, { country: s.country });
      clicks.set(click.id, click);
    }
  });

  beforeEach(async () => {
    const db = current().store.db;
    await db.deleteFrom('conversions').execute();
    await db.deleteFrom('report_conversions').execute();
  });

  /** `n` conversions spread over the clicks (and one whose click is gone), statuses and goals. */
  function conversions(n: number, tag: string): ConversionRow[] {
    const clickList = [...clicks.values()];
    const statuses: Status[] = ['pending', 'approved', 'approved', 'rejected'];
    return Array.from({ length: n }, (_, i) => {
      const click = clickList[i % clickList.length];
      return conversionRow({
        id: `cv_${tag}_${i}`,
        dedupe_key: `${tag}-${i}`,
        click_id: i % 7 === 6 ? `gone_${i}` : click.id,
        link_id: click.link_id,
        offer_id: click.offer_id,
        publisher_id: click.publisher_id,
        advertiser_id: click.advertiser_id,
        goal: i % 3 === 0 ? 'install' : 'default',
        status: statuses[i % statuses.length],
        payout: 1 + (i % 4) * 0.25,
        revenue: 2 + (i % 5) * 0.5,
        created_at: click.created_at + (i % 2) * QUARTER_HOUR,
      });
    });
  }

  it('counts each conversion of a multi-row insert once, and none of its duplicates', async () => {
    const db = current().store.db;
    const first = conversions(20, 'a');
    await insertConversionsUnlessDuplicate(db, first);
    const again = [
      ...first.slice(0, 5).map((cv) => ({ ...cv, id: `${cv.id}_twin`, status: 'approved' as const })),
      ...conversions(6, 'b'),
    ];
    const inserted = await insertConversionsUnlessDuplicate(db, again);
    expect(inserted.size).toBe(6);
    expect(await storedRollup(db)).toEqual(expectedRollup([...first, ...conversions(6, 'b')], clicks));
  });

  it('moves counts and amounts with bulk status and amount changes, and drops erased conversions', async () => {
    const db = current().store.db;
    const stored = new Map(conversions(24, 'c').map((cv) => [cv.id, cv]));
    await insertConversionsUnlessDuplicate(db, [...stored.values()]);
    const ids = [...stored.keys()];
    const change = async (some: string[], patch: Partial<ConversionRow>) => {
      await db.updateTable('conversions').set(patch).where('id', 'in', some).execute();
      for (const id of some) stored.set(id, { ...(stored.get(id) as ConversionRow), ...patch });
      expect(await storedRollup(db)).toEqual(expectedRollup(stored.values(), clicks));
    };
    await change(ids.slice(0, 12), { status: 'approved' });
    await change(ids.slice(6, 18), { status: 'reversed' });
    await change(ids.slice(10, 20), { revenue: 7.25, payout: 3.5 });
    // A change of neither status nor amounts leaves the rollup as it is.
    await change(ids, { needs_review: 1 });
    await change(ids.slice(16), { status: 'pending', payout: 0.75 });

    const erased = ids.filter((_, i) => i % 3 === 0);
    await db.deleteFrom('conversions').where('id', 'in', erased).execute();
    for (const id of erased) stored.delete(id);
    expect(await storedRollup(db)).toEqual(expectedRollup(stored.values(), clicks));
  });

  it('stays exact when concurrent transactions write conversions of the same rollup rows', async () => {
    const db = current().store.db;
    // Each writer's rows in another order, so the rollup rows they share are asked for in any order;
    // every other row of that order is then reversed.
    const writers = Array.from({ length: 4 }, (_, w) => {
      const rows = conversions(30, `w${w}`);
      return w % 2 ? rows.reverse() : rows;
    });
    const reversed = (rows: ConversionRow[]) => rows.filter((_, i) => i % 2).map((cv) => cv.id);
    await Promise.all(
      writers.map((rows) =>
        inTransactionWithRetry(db, async (trx) => {
          await insertConversionsUnlessDuplicate(trx, rows.slice(0, 15));
          await insertConversionsUnlessDuplicate(trx, rows.slice(15));
          await trx
            .updateTable('conversions')
            .set({ status: 'reversed' })
            .where('id', 'in', reversed(rows))
            .execute();
        }),
      ),
    );
    const final = writers.flatMap((rows) => {
      const moved = new Set(reversed(rows));
      return rows.map((cv) => (moved.has(cv.id) ? { ...cv, status: 'reversed' as const } : cv));
    });
    const stored = await db.selectFrom('conversions').select('id').execute();
    expect(stored).toHaveLength(final.length);
    expect(await storedRollup(db)).toEqual(expectedRollup(final, clicks));
  });
});
