import { type Kysely, type Migration, sql } from 'kysely';
import type { MigrationContext } from '../migrate.ts';
import { ADD_CONVERSION_COUNTS, CONVERSION_KEY } from './0009_report_rollups.ts';

/**
 * PostgreSQL keeps the conversion rollup per statement instead of per row: each insert, update or
 * delete of conversions adds its rows' counts to report_conversions in one grouped upsert, read
 * from the statement's transition tables, so a batch of new conversions costs one rollup statement
 * rather than one per conversion. SQLite's per-row triggers (0009) stay. See
 * docs/decisions/0029-conversion-rollup-per-statement.md.
 */
export function conversionRollupPerStatement({ capabilities }: MigrationContext): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      if (capabilities.dialect !== 'postgres') return;
      await sql`drop trigger report_conversions_roll on conversions`.execute(db);
      await sql`drop function report_conversions_roll()`.execute(db);
      const signed = (table: string, sign: number) =>
        `select ${sign} as sign, created_at, click_id, link_id, offer_id, publisher_id, advertiser_id, goal,
          status, revenue, payout from ${table}`;
      await sql`create function report_conversions_roll_statement() returns trigger language plpgsql as $$
        begin
          if tg_op = 'INSERT' then ${addCounts(signed('new_rows', 1))}
          elsif tg_op = 'DELETE' then ${addCounts(signed('old_rows', -1))}
          else ${addCounts(`${signed('old_rows', -1)} union all ${signed('new_rows', 1)}`)}
          end if;
          return null;
        end $$`.execute(db);
      // A trigger with transition tables takes one event and no column list, hence three.
      for (const [event, tables] of [
        ['insert', 'new table as new_rows'],
        ['update', 'old table as old_rows new table as new_rows'],
        ['delete', 'old table as old_rows'],
      ]) {
        await sql`create trigger ${sql.raw(`report_conversions_roll_${event}`)} after ${sql.raw(event)}
          on conversions referencing ${sql.raw(tables)}
          for each statement execute function report_conversions_roll_statement()`.execute(db);
      }
    },
  };
}

/**
 * Adds the signed conversion rows of `changes` to the rollup: grouped by the rollup's key (an upsert
 * may not touch one row twice) and in key order (so concurrent statements take shared rows in one
 * order). Groups whose counts and amounts net to zero, as an update of other columns does, write
 * nothing.
 */
function addCounts(changes: string) {
  const status = (name: string) => `sum(case when v.status = '${name}' then v.sign else 0 end)`;
  const counted = (column: string) =>
    `sum(case when v.status in ('pending', 'approved') then v.sign * v.${column} else 0 end)`;
  const measures = [
    ...['pending', 'approved', 'rejected', 'declined', 'reversed'].map(status),
    counted('revenue'),
    counted('payout'),
  ];
  // The lateral subquery (kept apart by `offset 0`) probes the clicks' primary key once per row,
  // whatever plan the function cached for the row count of its first statement.
  return sql`${sql.raw(`insert into report_conversions (${CONVERSION_KEY}, publisher_id, advertiser_id,
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
    order by 1, 2, 3, 4, 5, 6, 7, 8, 9`)} ${ADD_CONVERSION_COUNTS};`;
}
