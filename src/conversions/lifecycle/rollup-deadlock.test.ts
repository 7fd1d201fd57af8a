// Two transactions whose status changes touch the same report rollup rows in opposite orders
// deadlock on PostgreSQL (each change's trigger upserts the rollup row of a conversion already
// rolled up); the one rolled back starts over, and the rollup counts each conversion once.
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { seedClick, seedConversion } from '../../../test/support/activity-rows.ts';
import { createCatalog } from '../../../test/support/fixtures.ts';
import { describePostgres } from '../../../test/support/stores.ts';
import type { Db } from '../../db/database.types.ts';
import type { ClickRow } from '../../tracking/clicks/click.table.ts';
import type { ConversionRow } from '../conversion.table.ts';
import { inTransactionWithRetry } from './apply-status-change.ts';

describePostgres('conversion rollup under concurrent transactions', (current) => {
  it('retries the transaction a deadlock rolled back', async () => {
    const { store } = current();
    const db = store.db;
    const at = Date.UTC(2026, 5, 1);
    const clicks: ClickRow[] = [];
    for (const offer of [1, 2]) {
      const { link, offer: o, publisher, advertiser } = await createCatalog(db);
      const ref = { linkId: link.id, offerId: o.id, publisherId: publisher.id, advertiserId: advertiser.id };
      clicks.push(await seedClick(db, ref, at + offer));
    }
    // Two pending conversions per click (so per rollup row), all rolled up.
    const pending: ConversionRow[][] = [];
    for (const [i, click] of clicks.entries()) {
      pending.push([
        await seedConversion(db, click, { id: `cv_${i}_x`, dedupe_key: `dk-${i}-x` }),
        await seedConversion(db, click, { id: `cv_${i}_y`, dedupe_key: `dk-${i}-y` }),
      ]);
    }
    while ((await store.conversionRollup.catchUp()) > 0) {}
    let attempts = 0;
    let arrived = 0;
    let release: () => void = () => {};
    const bothHoldOne = new Promise<void>((resolve) => {
      release = resolve;
    });
    const approve = (trx: Db, cv: ConversionRow) =>
      trx.updateTable('conversions').set({ status: 'approved' }).where('id', '=', cv.id).execute();
    const write = (first: ConversionRow, second: ConversionRow) =>
      inTransactionWithRetry(db, async (trx: Db) => {
        attempts++;
        await approve(trx, first);
        if (++arrived === 2) release();
        // Each waits (once) until the other holds its first rollup row, then asks for it. No time
        // limit: on a loaded machine the other's first change can take seconds, and going on
        // without it would take both rows in turn instead of deadlocking.
        await bothHoldOne;
        await approve(trx, second);
      });
    await Promise.all([write(pending[0][0], pending[1][0]), write(pending[1][1], pending[0][1])]);
    expect(attempts).toBe(3); // two first tries, one retry after the deadlock
    const counted = await sql<{ pending: string; approved: string }>`select sum(pending) as pending,
      sum(approved) as approved from report_conversions`.execute(db);
    expect(Number(counted.rows[0].pending)).toBe(0);
    expect(Number(counted.rows[0].approved)).toBe(4);
  });
});
