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
function clickRollupCatchUpSql(order: 'rowid' | 'seq', placeholders: [string, string]): string {
  const key = CLICK_ROLLUP_KEY.join(', ');
  return `insert into report_clicks (${key}, publisher_id, advertiser_id, clicks, unique_clicks)
  select created_at - created_at % ${BUCKET_MS}, link_id, offer_id, coalesce(country, ''), coalesce(device, ''),
    coalesce(os, ''), coalesce(browser, ''), min(publisher_id), min(advertiser_id), count(*), sum(is_unique)
  from clicks where ${order} > ${placeholders[0]} and ${order} <= ${placeholders[1]}
  group by 1, 2, 3, 4, 5, 6, 7 order by 1, 2, 3, 4, 5, 6, 7
  on conflict (${key}) do update set clicks = report_clicks.clicks + excluded.clicks,
    unique_clicks = report_clicks.unique_clicks + excluded.unique_clicks`;
}

/** The hourly click rollups: their key columns after span and time, and the span they hold (UTC days are in the day profiles). */
export const CLICK_ROLLUP_TIERS = [
  { table: 'report_clicks_by_offer', columns: ['offer_id', 'advertiser_id'] },
  { table: 'report_clicks_by_publisher', columns: ['publisher_id'] },
] as const;
export const TIER_SPANS = [3_600_000] as const;

/** Adds the clicks numbered (`$1`, `$2`] to each coarser tier at each span, in key order. */
function clickTierCatchUpSql(order: 'rowid' | 'seq', placeholders: [string, string]): string[] {
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

/**
 * Day profiles (migration 0025): per UTC day and entity, the day's clicks and unique clicks, and
 * those of its first k quarter hours (columns c1…c95, u1…u95). A zone's local day is then a prefix
 * of one UTC day's row plus a suffix of the next one's, in any zone and across DST changes.
 */
export const CLICK_DAY_PROFILES = [
  { table: 'report_click_days_by_offer', columns: ['offer_id', 'advertiser_id'] },
  { table: 'report_click_days_by_publisher', columns: ['publisher_id'] },
] as const;
export const QUARTERS_PER_DAY = 96;
const DAY_MS = 86_400_000;
const PREFIXES = Array.from({ length: QUARTERS_PER_DAY - 1 }, (_, i) => i + 1);

/** The profile columns of the first k quarter hours: c1…c95, then u1…u95. */
export const profileColumns = (): string[] => [
  ...PREFIXES.map((k) => `c${k}`),
  ...PREFIXES.map((k) => `u${k}`),
];

/**
 * Adds to a day-profile table the rows of `quarters`: a query giving day (UTC day start), q (its
 * quarter hour, 0…95), the table's entity columns, n (clicks) and u (unique clicks). In key order.
 */
export function clickDayProfileUpsertSql(
  profile: (typeof CLICK_DAY_PROFILES)[number],
  quarters: string,
): string {
  const { table, columns } = profile;
  const key = ['day', ...columns].join(', ');
  const prefixes = [
    ...PREFIXES.map((k) => `sum(case when q < ${k} then n else 0 end)`),
    ...PREFIXES.map((k) => `sum(case when q < ${k} then u else 0 end)`),
  ];
  const added = ['clicks', 'unique_clicks', ...profileColumns()]
    .map((c) => `${c} = ${table}.${c} + excluded.${c}`)
    .join(', ');
  return `insert into ${table} (${key}, clicks, unique_clicks, ${profileColumns().join(', ')})
  select ${key}, sum(n), sum(u), ${prefixes.join(', ')}
  from (${quarters}) s group by ${key} order by ${key}
  on conflict (${key}) do update set ${added}`;
}

/** The day-profile upserts of the clicks numbered (`$1`, `$2`]. */
function clickDayProfileCatchUpSql(order: 'rowid' | 'seq', placeholders: [string, string]): string[] {
  return CLICK_DAY_PROFILES.map((profile) => {
    const list = profile.columns.join(', ');
    return clickDayProfileUpsertSql(
      profile,
      `select created_at - created_at % ${DAY_MS} as day, (created_at % ${DAY_MS}) / ${BUCKET_MS} as q, ${list},
        count(*) as n, sum(is_unique) as u
      from clicks where ${order} > ${placeholders[0]} and ${order} <= ${placeholders[1]}
      group by ${profile.columns.map((_, i) => i + 3).join(', ')}, 1, 2`,
    );
  });
}

/** Every rollup upsert of a catch-up step of the clicks numbered (`$1`, `$2`], in the order run. */
export function clickCatchUpSql(order: 'rowid' | 'seq', placeholders: [string, string]): string[] {
  return [
    clickRollupCatchUpSql(order, placeholders),
    ...clickTierCatchUpSql(order, placeholders),
    ...clickDayProfileCatchUpSql(order, placeholders),
  ];
}
