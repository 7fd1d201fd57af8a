// The conversion rollup against the conversions it counts: clicks that share rollup rows, conversions
// spread over them, what the rollup must hold, and what it (or what reports read) holds.
import { sql } from 'kysely';
import type { ConversionRow, Status } from '../../src/conversions/conversion.table.ts';
import type { Db } from '../../src/db/database.types.ts';
import type { Store } from '../../src/db/store.ts';
import type { ClickRow } from '../../src/tracking/clicks/click.table.ts';
import { linkRefOf, seedClick } from './activity-rows.ts';
import { createCatalog } from './fixtures.ts';
import { conversionRow } from './rows.ts';

const AT = Date.UTC(2026, 5, 1);
const QUARTER_HOUR = 900_000;
const STATUS_COUNTS = ['pending', 'approved', 'rejected', 'declined', 'reversed'] as const;
const MEASURES = [...STATUS_COUNTS, 'revenue', 'payout'] as const;

type Counts = Record<(typeof MEASURES)[number], number>;
const countsOf = (value: (measure: (typeof MEASURES)[number]) => number) =>
  Object.fromEntries(MEASURES.map((m) => [m, value(m)])) as Counts;

/** Clicks on two links that share a quarter hour and dimensions, so conversions share rollup rows. */
export async function seedRollupClicks(db: Db): Promise<Map<string, ClickRow>> {
  const links = [linkRefOf(await createCatalog(db)), linkRefOf(await createCatalog(db))];
  const specs = [
    { link: 0, at: AT, country: 'DE' },
    { link: 0, at: AT + 60_000, country: 'DE' },
    { link: 0, at: AT + 120_000, country: 'US' },
    { link: 1, at: AT + QUARTER_HOUR, country: null },
  ];
  const clicks = new Map<string, ClickRow>();
  for (const s of specs) {
    const click = await seedClick(db, links[s.link], s.at, { country: s.country });
    clicks.set(click.id, click);
  }
  return clicks;
}

/** `n` conversions spread over the clicks (and one in seven whose click is gone), statuses and goals. */
export function rollupConversions(clicks: Map<string, ClickRow>, n: number, tag: string): ConversionRow[] {
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

/** What the rollup must hold for `conversions` (their current rows), by rollup key, zero rows left out. */
export function expectedRollup(conversions: Iterable<ConversionRow>, clicks: Map<string, ClickRow>) {
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

/**
 * What `table` holds by rollup key: the rollup alone (report_conversions) or what reports read
 * (report_conversions_now, the rollup plus conversions not rolled up yet).
 */
export async function storedRollup(db: Db, table: 'report_conversions' | 'report_conversions_now') {
  const key = ['bucket', 'click_bucket', 'link_id', 'offer_id', 'goal', 'country', 'device', 'os', 'browser'];
  const { rows } = await sql<Record<string, string | number>>`select ${sql.raw(key.join(', '))},
      ${sql.raw(MEASURES.map((m) => `sum(${m}) as ${m}`).join(', '))}
    from ${sql.table(table)} group by ${sql.raw(key.join(', '))}`.execute(db);
  const byKey = new Map<string, Counts>();
  for (const r of rows) {
    const counts = countsOf((m) => Number(r[m]));
    // A row whose conversions all moved away or were deleted stays behind with zeros.
    if (Object.values(counts).every((n) => Math.abs(n) < 1e-9)) continue;
    byKey.set(key.map((k) => r[k]).join('|'), counts);
  }
  return rounded(byKey);
}

/** Sorted entries with money to the cent, so float sums in another order compare equal. */
function rounded(rows: Map<string, Counts>) {
  return [...rows.entries()]
    .map(([key, c]) => [key, { ...c, revenue: c.revenue.toFixed(2), payout: c.payout.toFixed(2) }] as const)
    .sort(([a], [b]) => (a < b ? -1 : 1));
}

/** Runs the conversion rollup's catch-up until it has nothing left to add. */
export async function catchUpConversions(store: Store): Promise<void> {
  while ((await store.conversionRollup.catchUp()) > 0) {}
}
