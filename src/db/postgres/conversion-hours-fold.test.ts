// Folding the conversion-hour changes into the hours on PostgreSQL: every change counts once,
// whether folds run side by side or while changes are still being written, and an hour that no
// longer counts a conversion goes.
import { sql } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import { describePostgres } from '../../../test/support/stores.ts';
import type { Db } from '../database.types.ts';
import { foldConversionHourChanges } from './conversion-hours-fold.ts';

const DAY = Date.UTC(2026, 5, 1);
const HOUR = 3_600_000;

interface Change {
  offer: number;
  hour: number;
  pending: number;
  revenue: number;
}

const logChanges = (db: Db, changes: Change[]) =>
  sql`insert into report_conversion_hour_changes (day, offer_id, advertiser_id, hour, pending, approved,
      rejected, declined, reversed, revenue, payout)
    select cast(${DAY} as bigint), c.offer, 1, cast(${DAY} as bigint) + c.hour * ${HOUR}, c.pending, 0, 0, 0, 0, c.revenue, 0
    from json_to_recordset(${JSON.stringify(changes)}) as c(offer integer, hour integer, pending bigint,
      revenue double precision)`.execute(db);

const hours = (db: Db) =>
  sql<{ offer_id: number; hour: string; pending: string; revenue: number }>`select offer_id, hour, pending,
      revenue from report_conversion_hours order by offer_id, hour`
    .execute(db)
    .then((r) =>
      r.rows.map((h) => ({ ...h, hour: (Number(h.hour) - DAY) / HOUR, pending: Number(h.pending) })),
    );

const changesLeft = (db: Db) =>
  sql<{ n: string }>`select count(*) as n from report_conversion_hour_changes`
    .execute(db)
    .then((r) => Number(r.rows[0].n));

describePostgres('conversion hours fold', (current) => {
  beforeEach(async () => {
    const db = current().store.db;
    await sql`delete from report_conversion_hour_changes`.execute(db);
    await sql`delete from report_conversion_hours`.execute(db);
  });

  it('counts every change once with folds side by side and changes committed between them', async () => {
    const db = current().store.db;
    const batch = (k: number) =>
      Array.from({ length: 50 }, (_, i) => ({
        offer: 1 + (i % 5),
        hour: i % 7,
        pending: k,
        revenue: 0.5 * k,
      }));
    await logChanges(db, batch(1));
    // A writer whose changes commit while the folds run: they are folded now or by the next fold.
    const writer = db.transaction().execute(async (trx) => {
      await logChanges(trx, batch(2));
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    await Promise.all([foldConversionHourChanges(db), foldConversionHourChanges(db), writer]);
    await foldConversionHourChanges(db);
    expect(await changesLeft(db)).toBe(0);
    const expected = new Map<string, { pending: number; revenue: number }>();
    for (const c of [...batch(1), ...batch(2)]) {
      const key = `${c.offer}|${c.hour}`;
      const e = expected.get(key) ?? { pending: 0, revenue: 0 };
      expected.set(key, { pending: e.pending + c.pending, revenue: e.revenue + c.revenue });
    }
    const got = await hours(db);
    expect(got).toHaveLength(expected.size);
    for (const h of got)
      expect({ pending: h.pending, revenue: h.revenue }).toEqual(expected.get(`${h.offer_id}|${h.hour}`));
  });

  it('drops an hour once it counts no conversion, though its money does not come back to exactly 0', async () => {
    const db = current().store.db;
    await logChanges(db, [
      { offer: 1, hour: 3, pending: 1, revenue: 0.1 },
      { offer: 1, hour: 3, pending: 1, revenue: 0.2 },
      { offer: 1, hour: 4, pending: 1, revenue: 0.7 },
    ]);
    await foldConversionHourChanges(db);
    await logChanges(db, [
      { offer: 1, hour: 3, pending: -2, revenue: -0.3 },
      { offer: 1, hour: 4, pending: -1, revenue: -0.7 },
      { offer: 1, hour: 4, pending: 1, revenue: 0.25 },
    ]);
    await foldConversionHourChanges(db);
    // 0.1 + 0.2 - 0.3 is not 0 in floating point; the hour goes all the same.
    expect(await hours(db)).toEqual([{ offer_id: 1, hour: 4, pending: 1, revenue: 0.25 }]);
    expect(await changesLeft(db)).toBe(0);
  });
});
