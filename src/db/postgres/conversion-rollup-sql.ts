// The grouped upsert that adds signed conversion rows to the conversion rollup on PostgreSQL: the
// statement-level triggers (migrations 0024, 0026) and the catch-up (conversion-rollup-catch-up.ts)
// run it over their rows.
import { ADD_CONVERSION_COUNTS_SQL, CONVERSION_KEY } from '../common/conversion-rollup.ts';

/** `table`'s conversion rows, as the upsert reads them, times `sign`, limited by `where`. */
export function signedConversions(table: string, sign: 1 | -1, where = 'true'): string {
  return `select ${sign} as sign, created_at, click_id, link_id, offer_id, publisher_id, advertiser_id, goal,
    status, revenue, payout from ${table} where ${where}`;
}

/**
 * Adds the signed conversion rows of `changes` (signedConversions) to the rollup: grouped by the
 * rollup's key (an upsert may not touch one row twice) and in key order (so concurrent statements
 * take shared rows in one order). Groups whose counts and amounts net to zero, as an update of
 * other columns does, write nothing.
 */
export function addConversionCountsSql(changes: string): string {
  const status = (name: string) => `sum(case when v.status = '${name}' then v.sign else 0 end)`;
  const counted = (column: string) =>
    `sum(case when v.status in ('pending', 'approved') then v.sign * v.${column} else 0 end)`;
  const measures = [
    ...['pending', 'approved', 'rejected', 'declined', 'reversed'].map(status),
    counted('revenue'),
    counted('payout'),
  ];
  // The lateral subquery (kept apart by `offset 0`) probes the clicks' primary key once per row,
  // whatever plan a PL/pgSQL function cached for the row count of its first statement.
  return `insert into report_conversions (${CONVERSION_KEY}, publisher_id, advertiser_id,
      pending, approved, rejected, declined, reversed, revenue, payout)
    select v.created_at - v.created_at % 900000,
      coalesce(c.created_at - c.created_at % 900000, v.created_at - v.created_at % 900000),
      v.link_id, v.offer_id, v.goal, coalesce(c.country, ''), coalesce(c.device, ''), coalesce(c.os, ''),
      coalesce(c.browser, ''), min(v.publisher_id), min(v.advertiser_id), ${measures.join(', ')}
    from (${changes}) v
    left join lateral (select created_at, country, device, os, browser from clicks
      where id = v.click_id offset 0) c on true
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9
    having ${measures.map((m) => `${m} <> 0`).join(' or ')}
    order by 1, 2, 3, 4, 5, 6, 7, 8, 9
    ${ADD_CONVERSION_COUNTS_SQL}`;
}
