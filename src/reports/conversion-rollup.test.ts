// The conversion rollup against the conversions it counts, when many rows change in one statement
// (a batch of new conversions, bulk status and amount changes, an erasure), when concurrent
// transactions write conversions of the same rollup rows, and for conversions rolled up and not yet
// (stores that catch new conversions up behind the writers): what reports read is exact before and
// after the catch-up, and the catch-up leaves the rollup alone exact.
import { beforeAll, beforeEach, expect, it } from 'vitest';
import {
  catchUpConversions,
  expectedRollup,
  rollupConversions,
  seedRollupClicks,
  storedRollup,
} from '../../test/support/conversion-rollup.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { insertConversionsUnlessDuplicate } from '../conversions/conversion.repository.ts';
import type { ConversionRow } from '../conversions/conversion.table.ts';
import { inTransactionWithRetry } from '../conversions/lifecycle/apply-status-change.ts';
import type { ClickRow } from '../tracking/clicks/click.table.ts';

describeEachStore('conversion rollup', (current) => {
  let clicks = new Map<string, ClickRow>();
  const conversions = (n: number, tag: string) => rollupConversions(clicks, n, tag);

  beforeAll(async () => {
    clicks = await seedRollupClicks(current().store.db);
  });

  beforeEach(async () => {
    const db = current().store.db;
    await db.deleteFrom('conversions').execute();
    await db.deleteFrom('report_conversions').execute();
  });

  /** What reports read holds `rows`, and after a catch-up the rollup alone does too. */
  async function expectExact(rows: Iterable<ConversionRow>) {
    const { store } = current();
    const expected = expectedRollup(rows, clicks);
    expect(await storedRollup(store.db, 'report_conversions_now')).toEqual(expected);
    await catchUpConversions(store);
    expect(await storedRollup(store.db, 'report_conversions')).toEqual(expected);
    expect(await storedRollup(store.db, 'report_conversions_now')).toEqual(expected);
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
    await expectExact([...first, ...conversions(6, 'b')]);
  });

  it('moves counts and amounts with bulk status and amount changes, and drops erased conversions', async () => {
    const { store } = current();
    const db = store.db;
    // The first 24 rolled up, the next 12 not yet: every change below spans both.
    const stored = new Map(conversions(24, 'c').map((cv) => [cv.id, cv]));
    await insertConversionsUnlessDuplicate(db, [...stored.values()]);
    await catchUpConversions(store);
    const later = conversions(12, 'd');
    await insertConversionsUnlessDuplicate(db, later);
    for (const cv of later) stored.set(cv.id, cv);
    const ids = [...stored.keys()].filter((_, i) => i % 2 === 0 || i >= 24);
    const change = async (some: string[], patch: Partial<ConversionRow>) => {
      await db.updateTable('conversions').set(patch).where('id', 'in', some).execute();
      for (const id of some) stored.set(id, { ...(stored.get(id) as ConversionRow), ...patch });
      expect(await storedRollup(db, 'report_conversions_now')).toEqual(
        expectedRollup(stored.values(), clicks),
      );
    };
    await change(ids.slice(0, 14), { status: 'approved' });
    await change(ids.slice(6, 22), { status: 'reversed' });
    // Some of the later ones are rolled up from here on, with the changes so far.
    await store.conversionRollup.catchUp();
    await change(ids.slice(10, 24), { revenue: 7.25, payout: 3.5 });
    // A change of neither status nor amounts leaves the rollup as it is.
    await change(ids, { needs_review: 1 });
    await change(ids.slice(16), { status: 'pending', payout: 0.75 });

    const erased = [...stored.keys()].filter((_, i) => i % 3 === 0);
    await db.deleteFrom('conversions').where('id', 'in', erased).execute();
    for (const id of erased) stored.delete(id);
    await expectExact(stored.values());
  });

  it('counts a status change and an erasure of a conversion rolled up and of one not yet', async () => {
    const { store } = current();
    const db = store.db;
    const rolled = conversions(8, 'r');
    await insertConversionsUnlessDuplicate(db, rolled);
    await catchUpConversions(store);
    const fresh = conversions(8, 'f');
    await insertConversionsUnlessDuplicate(db, fresh);
    const stored = new Map([...rolled, ...fresh].map((cv) => [cv.id, cv]));
    for (const rows of [rolled, fresh]) {
      await db.updateTable('conversions').set({ status: 'reversed' }).where('id', '=', rows[1].id).execute();
      stored.set(rows[1].id, { ...rows[1], status: 'reversed' });
      await db.deleteFrom('conversions').where('id', '=', rows[2].id).execute();
      stored.delete(rows[2].id);
    }
    await expectExact(stored.values());
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
    await expectExact(final);
  });
});
