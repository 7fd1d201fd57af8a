// Conversions at every quarter hour of three UTC days, by local day and offer in zones whose day
// starts on a quarter or half hour, and across a DST change: each local day's counts and money equal
// a straight count, before and after status changes and erasures, and before and after the
// catch-up. Reports by day of offers read whole hours and the quarter hours around a local day's
// start from different tables.
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { seedConversion } from '../../test/support/activity-rows.ts';
import { catchUpConversions } from '../../test/support/conversion-rollup.ts';
import { createCatalog } from '../../test/support/fixtures.ts';
import { localDay } from '../../test/support/local-day.ts';
import { clickRow } from '../../test/support/rows.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import type { ConversionRow, Status } from '../conversions/conversion.table.ts';
import { buildReport } from './report.service.ts';
import { parseReportQuery } from './report-query.ts';

// Europe/Berlin moves to summer time on 2026-03-29.
const START = Date.UTC(2026, 2, 28);
const QUARTER = 900_000;
const STATUSES: Status[] = ['pending', 'approved', 'rejected', 'declined', 'reversed'];
const MEASURES = [...STATUSES, 'revenue', 'payout'];
const ZONES = ['UTC', 'Asia/Kolkata', 'Asia/Kathmandu', 'Europe/Berlin', 'America/St_Johns'];

describeEachStore('reports by local day and offer', (current) => {
  const conversions: ConversionRow[] = [];

  beforeAll(async () => {
    const db = current().store.db;
    for (let o = 0; o < 2; o++) {
      const { link, offer, publisher, advertiser } = await createCatalog(db);
      const click = clickRow({
        link_id: link.id,
        offer_id: offer.id,
        publisher_id: publisher.id,
        advertiser_id: advertiser.id,
        created_at: START - 86_400_000,
      });
      await db.insertInto('clicks').values(click).execute();
      // Every quarter hour of three days, a few minutes in; amounts that differ per quarter.
      for (let q = 0; q < 3 * 96; q++) {
        conversions.push(
          await seedConversion(db, click, {
            id: `cv_${o}_${q}`,
            dedupe_key: `dk-${o}-${q}`,
            status: STATUSES[(q + o) % STATUSES.length],
            payout: (q % 7) + 0.25,
            revenue: (q % 11) + 0.5,
            created_at: START + q * QUARTER + 60_000 * (q % 15),
          }),
        );
      }
    }
  });

  async function expectStraightCounts(context: string) {
    const db = current().store.db;
    const live = await db.selectFrom('conversions').selectAll().execute();
    for (const tz of ZONES) {
      const query = parseReportQuery(
        { from: '2026-03-28', to: '2026-03-30', tz, groupBy: 'day,offer', limit: '10000' },
        'UTC',
      );
      const report = await buildReport(db, query, { role: 'admin' });
      const expected = new Map<string, Record<string, number>>();
      for (const c of live) {
        const day = localDay(tz, c.created_at);
        if (day < '2026-03-28' || day > '2026-03-30') continue;
        const key = `${day}|${c.offer_id}`;
        const e = expected.get(key) ?? Object.fromEntries(MEASURES.map((m) => [m, 0]));
        e[c.status] += 1;
        if (c.status === 'pending' || c.status === 'approved') {
          e.revenue += c.revenue;
          e.payout += c.payout;
        }
        expected.set(key, e);
      }
      const got = new Map(
        report.rows.map((r) => [
          `${r.day}|${r.offerId}`,
          {
            pending: r.pending,
            approved: r.approved,
            rejected: r.rejected,
            declined: r.declined,
            reversed: r.reversed,
            revenue: Number(r.revenue),
            payout: Number(r.payout),
          },
        ]),
      );
      expect(got.size, `${context} ${tz}`).toBe(expected.size);
      for (const [key, e] of expected) {
        const g = got.get(key);
        expect(g, `${context} ${tz} ${key}`).toBeDefined();
        expect(
          { ...g, revenue: g?.revenue.toFixed(2), payout: g?.payout.toFixed(2) },
          `${context} ${tz} ${key}`,
        ).toEqual({
          ...e,
          revenue: e.revenue.toFixed(2),
          payout: e.payout.toFixed(2),
        });
      }
    }
    // The hours hold what the rollup holds, hour by hour (on PostgreSQL with the changes not folded
    // yet and, on both, the conversions after the rollup's mark).
    const byHour = (table: string) =>
      sql<
        Record<string, unknown>
      >`select bucket - bucket % 3600000 as hour, offer_id, sum(pending) as pending,
          sum(approved) as approved, sum(rejected) as rejected, sum(declined) as declined,
          sum(reversed) as reversed, round(cast(sum(revenue) as numeric), 6) as revenue,
          round(cast(sum(payout) as numeric), 6) as payout
        from ${sql.raw(table)} group by 1, 2
        having sum(pending) + sum(approved) + sum(rejected) + sum(declined) + sum(reversed) <> 0 order by 1, 2`
        .execute(db)
        .then((r) => r.rows);
    expect(await byHour('(select hour as bucket, * from report_conversion_hours_now) h'), context).toEqual(
      await byHour('report_conversions_now'),
    );
  }

  it('counts each quarter hour in its local day, also after status changes and erasures', async () => {
    const { store } = current();
    await expectStraightCounts('as written');
    await catchUpConversions(store);
    await expectStraightCounts('caught up');
    const db = store.db;
    // A third approved, with new amounts; a sixth erased; in bulk, as a backfill would.
    const moved = conversions.filter((_, i) => i % 3 === 0).map((c) => c.id);
    await db
      .updateTable('conversions')
      .set({ status: 'approved', payout: 3.75 })
      .where('id', 'in', moved)
      .execute();
    const erased = conversions.filter((_, i) => i % 6 === 1).map((c) => c.id);
    await db.deleteFrom('conversion_events').where('conversion_id', 'in', erased).execute();
    await db.deleteFrom('conversions').where('id', 'in', erased).execute();
    await expectStraightCounts('after changes');
    await catchUpConversions(store);
    await expectStraightCounts('after changes, caught up');
  });
});
