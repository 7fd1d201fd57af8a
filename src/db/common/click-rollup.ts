// The click rollup (report_clicks) is kept off the click writers' transactions. Clicks are numbered
// in the order they are stored (SQLite's rowid; PostgreSQL's `seq`, from a sequence), and
// report_click_progress.rolled_through says up to which number the rollup holds them. A catch-up
// step (sqlite/click-rollup-catch-up.ts, postgres/click-rollup-catch-up.ts) adds the next clicks
// and moves the mark in one transaction, so a crash leaves both as they were and running it twice
// adds nothing twice; reports read the rollup plus the raw clicks after the mark, in one statement,
// so they are exact whenever they run. The coarser tiers (per UTC hour and day, by offer and by
// publisher; migration 0016) move in the same transaction, up to the same mark. See
// docs/decisions/0017-report-rollups.md and 0024-report-rollup-tiers.md.

/** The rollups' key columns, in the order of the click rollup's primary key. */
export const CLICK_ROLLUP_KEY = [
  'bucket',
  'link_id',
  'offer_id',
  'country',
  'device',
  'os',
  'browser',
] as const;

/** The rollups' time grain: every zone's offset from UTC is a whole number of quarter hours. */
export const BUCKET_MS = 15 * 60 * 1000;

/** Clicks added to the rollup per catch-up transaction, at most. */
export const CATCH_UP_CHUNK = 200_000;

/**
 * Adds the clicks numbered (`$1`, `$2`] to the click rollup, in key order (so two catch-ups would
 * take shared rows in one order). `order` is the column that numbers clicks.
 */
export function clickRollupCatchUpSql(order: 'rowid' | 'seq', placeholders: [string, string]): string {
  const key = CLICK_ROLLUP_KEY.join(', ');
  return `insert into report_clicks (${key}, publisher_id, advertiser_id, clicks, unique_clicks)
  select created_at - created_at % ${BUCKET_MS}, link_id, offer_id, coalesce(country, ''), coalesce(device, ''),
    coalesce(os, ''), coalesce(browser, ''), min(publisher_id), min(advertiser_id), count(*), sum(is_unique)
  from clicks where ${order} > ${placeholders[0]} and ${order} <= ${placeholders[1]}
  group by 1, 2, 3, 4, 5, 6, 7 order by 1, 2, 3, 4, 5, 6, 7
  on conflict (${key}) do update set clicks = report_clicks.clicks + excluded.clicks,
    unique_clicks = report_clicks.unique_clicks + excluded.unique_clicks`;
}

/** The coarser click rollups: their key columns after span and time, and the spans they hold. */
export const CLICK_ROLLUP_TIERS = [
  { table: 'report_clicks_by_offer', columns: ['offer_id', 'advertiser_id'] },
  { table: 'report_clicks_by_publisher', columns: ['publisher_id'] },
] as const;
export const TIER_SPANS = [3_600_000, 86_400_000] as const;

/** Adds the clicks numbered (`$1`, `$2`] to each coarser tier at each span, in key order. */
export function clickTierCatchUpSql(order: 'rowid' | 'seq', placeholders: [string, string]): string[] {
  return CLICK_ROLLUP_TIERS.flatMap(({ table, columns }) =>
    TIER_SPANS.map((span) => {
      const key = ['span', 'time', ...columns].join(', ');
      const groups = columns.map((_, i) => i + 3).join(', ');
      return `insert into ${table} (${key}, clicks, unique_clicks)
  select ${span}, created_at - created_at % ${span}, ${columns.join(', ')}, count(*), sum(is_unique)
  from clicks where ${order} > ${placeholders[0]} and ${order} <= ${placeholders[1]}
  group by 2, ${groups} order by 2, ${groups}
  on conflict (${key}) do update set clicks = ${table}.clicks + excluded.clicks,
    unique_clicks = ${table}.unique_clicks + excluded.unique_clicks`;
    }),
  );
}
