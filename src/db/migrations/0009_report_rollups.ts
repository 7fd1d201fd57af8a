import { type Kysely, type Migration, sql } from 'kysely';
import { ADD_CONVERSION_COUNTS } from '../common/conversion-rollup.ts';
import type { MigrationContext } from '../migrate.ts';
import { bigint, money } from './column-types.ts';

/**
 * Reports: the click's uniqueness flag (decided when the click is recorded), each offer's
 * uniqueness window, and the two rollups reports read instead of raw rows, in 15-minute UTC buckets
 * (every time zone's day and hour starts on a quarter hour). The click rollup is caught up after
 * the click writers, off their transactions; the conversion rollup is kept by triggers, in the
 * transaction of every insert, status change and deletion of a conversion. See docs/decisions/0017-report-rollups.md.
 * On PostgreSQL, 0024 replaces the per-row trigger made here with per-statement ones (decision 0029).
 */
export function reportRollups({ capabilities }: MigrationContext): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      const s = db.schema;
      await s
        .alterTable('clicks')
        .addColumn('is_unique', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await s
        .alterTable('offers')
        .addColumn('unique_window_hours', 'integer', (c) => c.notNull().defaultTo(24))
        .execute();
      // Rollup rows are upserted with every batch. SQLite: the rows live in their key's b-tree, so an
      // upsert touches one tree, not a table and an index. PostgreSQL: half-empty pages leave room for
      // in-page (HOT) updates, which skip the index.
      // biome-ignore lint/suspicious/noExplicitAny: a create-table builder of any table
      const storedForUpserts = (t: any) =>
        t.modifyEnd(capabilities.dialect === 'sqlite' ? sql`without rowid` : sql`with (fillfactor = 50)`);
      const text = (c: { notNull(): { defaultTo(v: string): unknown } }) => c.notNull().defaultTo('');
      await s
        .createTable('report_clicks')
        .addColumn('bucket', bigint, (c) => c.notNull())
        .addColumn('link_id', 'integer', (c) => c.notNull())
        .addColumn('offer_id', 'integer', (c) => c.notNull())
        .addColumn('publisher_id', 'integer', (c) => c.notNull())
        .addColumn('advertiser_id', 'integer', (c) => c.notNull())
        .addColumn('country', 'text', text as never)
        .addColumn('device', 'text', text as never)
        .addColumn('os', 'text', text as never)
        .addColumn('browser', 'text', text as never)
        .addColumn('clicks', bigint, (c) => c.notNull())
        .addColumn('unique_clicks', bigint, (c) => c.notNull())
        .addPrimaryKeyConstraint('report_clicks_key', [
          'bucket',
          'link_id',
          'offer_id',
          'country',
          'device',
          'os',
          'browser',
        ])
        .$call(storedForUpserts)
        .execute();
      await s
        .createTable('report_conversions')
        .addColumn('bucket', bigint, (c) => c.notNull())
        .addColumn('click_bucket', bigint, (c) => c.notNull())
        .addColumn('link_id', 'integer', (c) => c.notNull())
        .addColumn('offer_id', 'integer', (c) => c.notNull())
        .addColumn('publisher_id', 'integer', (c) => c.notNull())
        .addColumn('advertiser_id', 'integer', (c) => c.notNull())
        .addColumn('goal', 'text', (c) => c.notNull())
        .addColumn('country', 'text', text as never)
        .addColumn('device', 'text', text as never)
        .addColumn('os', 'text', text as never)
        .addColumn('browser', 'text', text as never)
        .addColumn('pending', bigint, (c) => c.notNull())
        .addColumn('approved', bigint, (c) => c.notNull())
        .addColumn('rejected', bigint, (c) => c.notNull())
        .addColumn('declined', bigint, (c) => c.notNull())
        .addColumn('reversed', bigint, (c) => c.notNull())
        .addColumn('revenue', money, (c) => c.notNull())
        .addColumn('payout', money, (c) => c.notNull())
        .addPrimaryKeyConstraint('report_conversions_key', [
          'bucket',
          'click_bucket',
          'link_id',
          'offer_id',
          'goal',
          'country',
          'device',
          'os',
          'browser',
        ])
        .$call(storedForUpserts)
        .execute();
      await s
        .createIndex('report_conversions_click_bucket')
        .on('report_conversions')
        .column('click_bucket')
        .execute();
      // The click rollup is kept off the click writers' transactions: a catch-up step adds the clicks
      // stored after `rolled_through` (their insertion order: SQLite's rowid, PostgreSQL's `seq`), and
      // reports add the raw clicks after it to the rollup. See src/db/common/click-rollup.ts.
      await s
        .createTable('report_click_progress')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('rolled_through', bigint, (c) => c.notNull())
        .execute();
      if (capabilities.dialect === 'postgres') {
        // Rows are numbered as they are inserted; BRIN, because a B-tree would cost every click an
        // index entry and the catch-up only ever reads the newest pages.
        await sql`create sequence clicks_seq`.execute(db);
        await sql`alter table clicks add column seq bigint not null default nextval('clicks_seq')`.execute(
          db,
        );
        await sql`create index clicks_seq_brin on clicks using brin (seq)`.execute(db);
      }
      const order = sql.raw(capabilities.dialect === 'postgres' ? 'seq' : 'rowid');
      // Clicks that exist already; their conversions come in through the triggers' own statement.
      await sql`insert into report_clicks
        select created_at - created_at % 900000, link_id, offer_id, publisher_id, advertiser_id,
          coalesce(country, ''), coalesce(device, ''), coalesce(os, ''), coalesce(browser, ''),
          count(*), sum(is_unique)
        from clicks group by 1, 2, 3, 4, 5, 6, 7, 8, 9`.execute(db);
      await sql`insert into report_click_progress select 1, coalesce(max(${order}), 0) from clicks`.execute(
        db,
      );
      // What reports read: the rollup, and the clicks not in it yet one per row; in one statement, so
      // the mark, the rollup and the raw rows are of one moment.
      await sql`create view report_clicks_now as
        select bucket, link_id, offer_id, publisher_id, advertiser_id, country, device, os, browser,
          clicks, unique_clicks
        from report_clicks
        union all
        select created_at - created_at % 900000, link_id, offer_id, publisher_id, advertiser_id,
          coalesce(country, ''), coalesce(device, ''), coalesce(os, ''), coalesce(browser, ''), 1, is_unique
        from clicks where ${order} > (select rolled_through from report_click_progress where id = 1)`.execute(
        db,
      );
      if (capabilities.dialect === 'postgres') await createPostgresTriggers(db);
      else await createSqliteTriggers(db);
      await sql`insert into report_conversions ${conversionRollupSelect('conversions', 1)}
        group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11`.execute(db);
    },
  };
}

/** The rollup row of one conversion (`v` is conversions, NEW or OLD), times `sign`, with its click's dimensions. */
function conversionRollupSelect(v: string, sign: 1 | -1, grouped = true) {
  const r = sql.raw;
  const agg = (e: string) => (grouped ? `sum(${e})` : e);
  const status = (name: string) => r(`${agg(`case when ${v}.status = '${name}' then ${sign} else 0 end`)}`);
  const counted = (column: string) =>
    r(agg(`case when ${v}.status in ('pending', 'approved') then ${sign} * ${v}.${column} else 0 end`));
  const from = grouped
    ? sql`from conversions left join clicks c on c.id = conversions.click_id`
    : sql`from (select 1 as one) o left join clicks c on c.id = ${r(v)}.click_id where true`;
  return sql`(bucket, click_bucket, link_id, offer_id, publisher_id, advertiser_id, goal, country, device, os, browser,
      pending, approved, rejected, declined, reversed, revenue, payout)
    select ${r(v)}.created_at - ${r(v)}.created_at % 900000,
      coalesce(c.created_at - c.created_at % 900000, ${r(v)}.created_at - ${r(v)}.created_at % 900000),
      ${r(v)}.link_id, ${r(v)}.offer_id, ${r(v)}.publisher_id, ${r(v)}.advertiser_id, ${r(v)}.goal,
      coalesce(c.country, ''), coalesce(c.device, ''), coalesce(c.os, ''), coalesce(c.browser, ''),
      ${status('pending')}, ${status('approved')}, ${status('rejected')}, ${status('declined')}, ${status('reversed')},
      ${counted('revenue')}, ${counted('payout')}
    ${from}`;
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
async function createSqliteTriggers(db: Kysely<any>): Promise<void> {
  const add = (v: 'new' | 'old', sign: 1 | -1) =>
    sql`insert into report_conversions ${conversionRollupSelect(v, sign, false)} ${ADD_CONVERSION_COUNTS};`;
  await sql`create trigger report_conversions_on_insert after insert on conversions begin
    ${add('new', 1)} end`.execute(db);
  await sql`create trigger report_conversions_on_update after update of status, revenue, payout on conversions begin
    ${add('old', -1)} ${add('new', 1)} end`.execute(db);
  await sql`create trigger report_conversions_on_delete after delete on conversions begin
    ${add('old', -1)} end`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
async function createPostgresTriggers(db: Kysely<any>): Promise<void> {
  const add = (v: 'new' | 'old', sign: 1 | -1) =>
    sql`insert into report_conversions ${conversionRollupSelect(v, sign, false)} ${ADD_CONVERSION_COUNTS};`;
  await sql`create function report_conversions_roll() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') then ${add('old', -1)} end if;
      if tg_op in ('INSERT', 'UPDATE') then ${add('new', 1)} end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger report_conversions_roll after insert or delete or update of status, revenue, payout
    on conversions for each row execute function report_conversions_roll()`.execute(db);
}
