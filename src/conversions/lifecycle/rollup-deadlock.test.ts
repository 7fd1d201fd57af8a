// Two inbound transactions whose conversions touch the same report rollup rows in opposite orders
// deadlock on PostgreSQL; the one rolled back starts over, and the rollup counts each conversion once.
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { seedClick, seedConversion } from '../../../test/support/activity-rows.ts';
import { createCatalog } from '../../../test/support/fixtures.ts';
import { describePostgres } from '../../../test/support/stores.ts';
import type { Db } from '../../db/database.types.ts';
import type { ClickRow } from '../../tracking/clicks/click.table.ts';
import { inTransactionWithRetry } from './apply-status-change.ts';

describePostgres('conversion rollup under concurrent transactions', (current) => {
  it('retries the transaction a deadlock rolled back', async () => {
    const db = current().store.db;
    const at = Date.UTC(2026, 5, 1);
    const clicks: ClickRow[] = [];
    for (const offer of [1, 2]) {
      const { link, offer: o, publisher, advertiser } = await createCatalog(db);
      const ref = { linkId: link.id, offerId: o.id, publisherId: publisher.id, advertiserId: advertiser.id };
      clicks.push(await seedClick(db, ref, at + offer));
    }
    let attempts = 0;
    let arrived = 0;
    let release: () => void = () => {};
    const bothHoldOne = new Promise<void>((resolve) => {
      release = resolve;
    });
    const write = (order: ClickRow[], tag: string) =>
      inTransactionWithRetry(db, async (trx: Db) => {
        attempts++;
        await seedConversion(trx, order[0], {
          id: `cv_${tag}_a_${attempts}`,
          dedupe_key: `${tag}-a-${attempts}`,
        });
        if (++arrived === 2) release();
        // Each waits (once) until the other holds its first rollup row, then asks for it. No time
        // limit: on a loaded machine the other's first insert can take seconds, and going on
        // without it would take both rows in turn instead of deadlocking.
        await bothHoldOne;
        await seedConversion(trx, order[1], {
          id: `cv_${tag}_b_${attempts}`,
          dedupe_key: `${tag}-b-${attempts}`,
        });
      });
    await Promise.all([write(clicks, 'x'), write([clicks[1], clicks[0]], 'y')]);
    expect(attempts).toBe(3); // two first tries, one retry after the deadlock
    const counted = await sql<{ n: string }>`select sum(pending) as n from report_conversions`.execute(db);
    const stored = await db
      .selectFrom('conversions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(4);
    expect(Number(counted.rows[0].n)).toBe(4);
  });
});
