// Every report's numbers against a straight count over the raw rows: random clicks (through the
// store's click writer, as the click path writes them) and conversions with status changes and
// reversals, read in several time zones across a DST change, by each grouping and attribution,
// with none, half or all of the clicks and conversions rolled up.
import fc from 'fast-check';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LinkRef, linkRefOf, seedConversion } from '../../test/support/activity-rows.ts';
import { createCatalog } from '../../test/support/fixtures.ts';
import { clickRow } from '../../test/support/rows.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { STATUSES, type Status } from '../conversions/conversion.table.ts';
import { applyStatusChange } from '../conversions/lifecycle/apply-status-change.ts';
import type { ClickWriter } from '../db/click-writer.ts';
import type { ClickRow } from '../tracking/clicks/click.table.ts';
import { buildReport, type ReportRow } from './report.service.ts';
import { parseReportQuery } from './report-query.ts';

// Europe/Berlin moves to summer time on 2026-03-29; the data spans the days around it.
const START = Date.UTC(2026, 2, 27);
const SPAN = 5 * 86_400_000;
const ZONES = ['UTC', 'Europe/Berlin', 'America/Los_Angeles', 'Asia/Kolkata', 'Asia/Kathmandu'];
const GROUPINGS = [
  '',
  'day',
  'hour',
  'week',
  'month',
  'offer,country',
  'publisher,device',
  'sub1',
  'goal,link',
  // Served by the day profiles (by day, week, month or none) and the hourly tiers with quarter-hour
  // corrections (by hour), in :30 and :45 zones and across the DST change.
  'day,offer',
  // Conversions by local day read in slices of UTC days, whatever the other dimensions.
  'day,country',
  'publisher',
  'hour,advertiser',
  'currency,publisher',
];

const clickArb = fc.record({
  link: fc.nat(3),
  at: fc.integer({ min: 0, max: SPAN - 1 }),
  country: fc.constantFrom('DE', 'US', null),
  device: fc.constantFrom('mobile', 'desktop', null),
  sub1: fc.constantFrom('a', 'b', null),
  unique: fc.boolean(),
});
const conversionArb = fc.record({
  click: fc.nat(),
  after: fc.integer({ min: 0, max: 86_400_000 }),
  goal: fc.constantFrom('default', 'install'),
  statuses: fc.array(fc.constantFrom(...STATUSES), { minLength: 1, maxLength: 3 }),
  payout: fc.integer({ min: 0, max: 500 }).map((c) => c / 100),
  revenue: fc.integer({ min: 0, max: 900 }).map((c) => c / 100),
});

function localParts(zone: string, utc: number): { day: string; hour: string } {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    hourCycle: 'h23',
  });
  const p = Object.fromEntries(f.formatToParts(utc).map((x) => [x.type, x.value]));
  const day = `${p.year}-${p.month}-${p.day}`;
  return { day, hour: `${day}T${p.hour}:00` };
}

interface Counted {
  clicks: number;
  uniqueClicks: number;
  pending: number;
  approved: number;
  rejected: number;
  declined: number;
  reversed: number;
  revenue: number;
  payout: number;
}

describeEachStore('reports against raw rows', (current) => {
  const links: LinkRef[] = [];
  let writer: ClickWriter;

  beforeAll(async () => {
    const db = current().store.db;
    for (let i = 0; i < 2; i++) {
      const catalog = await createCatalog(db);
      const { link, offer, advertiser } = catalog;
      links.push(linkRefOf(catalog));
      // A second publisher's link on the same offer.
      const other = await createCatalog(db);
      const second = await db
        .insertInto('links')
        .values({
          slug: `p${link.id}x${other.publisher.id}`,
          offer_id: offer.id,
          publisher_id: other.publisher.id,
          subs: '{}',
          created_at: 0,
          updated_at: 0,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      links.push({
        linkId: second.id,
        offerId: offer.id,
        publisherId: other.publisher.id,
        advertiserId: advertiser.id,
      });
    }
    writer = current().store.clicks.openWriter(pino({ level: 'silent' }));
  });
  afterAll(() => writer.close());

  it('totals and rows equal a straight count, in every zone, grouping and attribution', async () => {
    const db = current().store.db;
    let mixed = false;
    const currencyOf = (offerId: number) => (mixed && offerId === links[2].offerId ? 'EUR' : 'USD');
    await fc.assert(
      fc.asyncProperty(
        fc.array(clickArb, { minLength: 1, maxLength: 40 }),
        fc.array(conversionArb, { maxLength: 15 }),
        fc.constantFrom(...ZONES),
        fc.constantFrom(0, 0.5, 1),
        fc.boolean(),
        async (clickSpecs, conversionSpecs, zone, caughtUp, euro) => {
          // With euros, the second offer's money is in EUR: every report splits by currency.
          mixed = euro;
          await db
            .updateTable('offers')
            .set({ currency: euro ? 'EUR' : 'USD' })
            .where('id', '=', links[2].offerId)
            .execute();
          await db.deleteFrom('conversion_events').execute();
          await db.deleteFrom('conversions').execute();
          await db.deleteFrom('clicks').execute();
          await db.deleteFrom('report_conversions').execute();
          await db.deleteFrom('report_clicks').execute();
          await sql`delete from report_clicks_by_offer`.execute(db);
          await sql`delete from report_clicks_by_publisher`.execute(db);
          await sql`delete from report_click_days_by_offer`.execute(db);
          await sql`delete from report_click_days_by_publisher`.execute(db);
          await sql`update report_click_progress set rolled_through = 0`.execute(db);

          const clicks: ClickRow[] = clickSpecs.map((s) => {
            const l = links[s.link];
            return clickRow({
              link_id: l.linkId,
              offer_id: l.offerId,
              publisher_id: l.publisherId,
              advertiser_id: l.advertiserId,
              country: s.country,
              device: s.device,
              sub1: s.sub1,
              is_unique: s.unique ? 1 : 0,
              created_at: START + s.at,
            });
          });
          // Some clicks rolled up (into every tier), the rest read raw after the mark.
          const rolled = Math.floor(clicks.length * caughtUp);
          await Promise.all(clicks.slice(0, rolled).map((c) => writer.record(c)));
          while ((await current().store.clicks.catchUpRollup()) > 0) {}
          await Promise.all(clicks.slice(rolled).map((c) => writer.record(c)));

          const conversions: {
            click: ClickRow;
            at: number;
            status: Status;
            payout: number;
            revenue: number;
          }[] = [];
          for (const [i, s] of conversionSpecs.entries()) {
            const click = clicks[s.click % clicks.length];
            const at = click.created_at + s.after;
            let row = await seedConversion(db, click, {
              id: `cv_${i}_${click.id}`,
              dedupe_key: `dk-${i}`,
              goal: s.goal,
              status: s.statuses[0],
              payout: s.payout,
              revenue: s.revenue,
              created_at: at,
            });
            // Some conversions rolled up before their later moves, the rest read raw after the mark.
            if (i < conversionSpecs.length * caughtUp) {
              while ((await current().store.conversionRollup.catchUp()) > 0) {}
            }
            // Later moves, overriding the lifecycle so reversals and returns from any status occur,
            // the last one with new amounts.
            for (const [k, to] of s.statuses.slice(1).entries()) {
              const amounts =
                k === s.statuses.length - 2
                  ? { payout: s.payout * 2, revenue: s.revenue + 1, review: null }
                  : undefined;
              const change = await db.transaction().execute((trx) =>
                applyStatusChange(
                  trx,
                  row,
                  {
                    to,
                    statusRaw: to,
                    source: 'manual',
                    reason: null,
                    postbackLogId: null,
                    override: true,
                    amounts,
                  },
                  at + k + 1,
                ),
              );
              if (change.ok) row = change.conversion;
            }
            conversions.push({ click, at, status: row.status, payout: row.payout, revenue: row.revenue });
          }

          const from = '2026-03-27';
          const to = '2026-03-30';
          const inRange = (utc: number) => {
            const { day } = localParts(zone, utc);
            return day >= from && day <= to;
          };
          for (const attribution of ['conversion', 'click'] as const) {
            for (const groupBy of GROUPINGS) {
              const query = parseReportQuery(
                { from, to, tz: zone, groupBy: groupBy || undefined, attribution, limit: '10000' },
                'UTC',
              );
              const report = await buildReport(db, query, { role: 'admin' });

              // The straight count, keyed like the report's rows.
              const keyOf = (c: ClickRow, time: number, goal: string | null) => {
                const local = localParts(zone, time);
                const values: Record<string, unknown> = {
                  day: local.day,
                  hour: local.hour,
                  offer: c.offer_id,
                  advertiser: c.advertiser_id,
                  country: c.country,
                  publisher: c.publisher_id,
                  device: c.device,
                  sub1: c.sub1,
                  goal,
                  link: c.link_id,
                  currency: currencyOf(c.offer_id),
                };
                // The currency last: it splits every grouping.
                const named = groupBy
                  .split(',')
                  .filter((g) => g && !['week', 'month', 'currency'].includes(g));
                return [...named, 'currency'].map((g) => values[g] ?? null).join('|');
              };
              const expected = new Map<string, Counted>();
              const entry = (key: string) => {
                let e = expected.get(key);
                if (!e) {
                  e = zero();
                  expected.set(key, e);
                }
                return e;
              };
              for (const c of clicks) {
                if (!inRange(c.created_at)) continue;
                const e = entry(keyOf(c, c.created_at, null));
                e.clicks += 1;
                e.uniqueClicks += c.is_unique;
              }
              for (const v of conversions) {
                const time = attribution === 'click' ? v.click.created_at : v.at;
                if (!inRange(time)) continue;
                const e = entry(keyOf(v.click, time, conversionSpecs[conversions.indexOf(v)].goal));
                e[v.status] += 1;
                if (v.status === 'pending' || v.status === 'approved') {
                  e.revenue += v.revenue;
                  e.payout += v.payout;
                }
              }
              // Totals per currency (the last part of each key), and of all currencies' counts.
              const totals = new Map<string, Counted>();
              for (const [key, e] of expected) {
                const code = key.slice(key.lastIndexOf('|') + 1);
                const t = totals.get(code) ?? { ...e, ...zero() };
                for (const k of Object.keys(t) as (keyof Counted)[]) t[k] += e[k];
                totals.set(code, t);
              }
              const nonZero = [...totals].filter(([, t]) => Object.values(t).some((n) => n !== 0));
              const context = `${zone} ${attribution} groupBy=${groupBy}`;
              expect(
                report.summaryByCurrency.map((r) => r.currency),
                context,
              ).toEqual(nonZero.map(([code]) => code).sort());
              for (const row of report.summaryByCurrency) {
                expectCounts(
                  row,
                  totals.get(row.currency as string) as Counted,
                  `${context} ${row.currency}`,
                );
              }
              const all = zero();
              for (const [, t] of nonZero)
                for (const k of Object.keys(all) as (keyof Counted)[]) all[k] += t[k];
              if (nonZero.length <= 1) expectCounts(report.summary, all, context);
              else {
                expectCounts(report.summary, { ...all, revenue: 0, payout: 0 }, context, false);
                expect([report.summary.currency, report.summary.revenue, report.summary.payout]).toEqual([
                  null,
                  null,
                  null,
                ]);
              }

              if (groupBy === 'week' || groupBy === 'month') continue;
              const rowKey = (r: ReportRow) =>
                [...groupBy.split(',').filter((g) => g && g !== 'currency'), 'currency']
                  .map(
                    (g) =>
                      r[
                        {
                          offer: 'offerId',
                          publisher: 'publisherId',
                          link: 'linkId',
                          advertiser: 'advertiserId',
                        }[g] ?? g
                      ] ?? null,
                  )
                  .join('|');
              const nonEmpty = [...expected].filter(([, e]) => Object.values(e).some((n) => n !== 0));
              expect(report.rows.length, context).toBe(nonEmpty.length);
              for (const row of report.rows) {
                const e = expected.get(rowKey(row));
                expect(e, `${context}: row ${rowKey(row)}`).toBeDefined();
                expectCounts(row, e as Counted, `${context}: row ${rowKey(row)}`);
              }
            }
          }
        },
      ),
      { numRuns: 12 },
    );
  }, 240_000);
});

function zero(): Counted {
  return {
    clicks: 0,
    uniqueClicks: 0,
    pending: 0,
    approved: 0,
    rejected: 0,
    declined: 0,
    reversed: 0,
    revenue: 0,
    payout: 0,
  };
}

function expectCounts(actual: ReportRow, e: Counted, context: string, money = true): void {
  expect(
    {
      clicks: actual.clicks,
      uniqueClicks: actual.uniqueClicks,
      pending: actual.pending,
      approved: actual.approved,
      rejected: actual.rejected,
      declined: actual.declined,
      reversed: actual.reversed,
    },
    context,
  ).toEqual({
    clicks: e.clicks,
    uniqueClicks: e.uniqueClicks,
    pending: e.pending,
    approved: e.approved,
    rejected: e.rejected,
    declined: e.declined,
    reversed: e.reversed,
  });
  if (!money) return;
  expect(actual.revenue as number, context).toBeCloseTo(e.revenue, 6);
  expect(actual.payout as number, context).toBeCloseTo(e.payout, 6);
}
