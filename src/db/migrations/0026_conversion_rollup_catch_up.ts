import { type Kysely, type Migration, sql } from 'kysely';
import type { MigrationContext } from '../migrate.ts';
import { addConversionCountsSql, signedConversions } from '../postgres/conversion-rollup-sql.ts';
import { bigint } from './column-types.ts';

const ROLLUP_COLUMNS = `bucket, click_bucket, link_id, offer_id, publisher_id, advertiser_id, goal, country, device,
  os, browser, pending, approved, rejected, declined, reversed, revenue, payout`;

/**
 * PostgreSQL takes new conversions' rollup off the inbound transaction: conversions are numbered as
 * they are inserted (`seq`), a catch-up adds those after report_conversion_progress.rolled_through
 * and moves the mark (postgres/conversion-rollup-catch-up.ts), and the update and delete triggers
 * count only rows at or below the mark. Reports read report_conversions_now on both stores: on
 * PostgreSQL the rollup plus the conversions after the mark, on SQLite (per-row triggers, 0009) the
 * rollup alone. See docs/decisions/0030-conversion-rollup-catch-up.md.
 */
export function conversionRollupCatchUp({ capabilities }: MigrationContext): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, not today's type
    async up(db: Kysely<any>) {
      if (capabilities.dialect !== 'postgres') {
        await sql`create view report_conversions_now as
          select ${sql.raw(ROLLUP_COLUMNS)} from report_conversions`.execute(db);
        return;
      }
      // A B-tree, not BRIN: status changes move rows to other pages, which would widen BRIN ranges;
      // conversions are two orders of magnitude rarer than clicks, so one more entry each is cheap.
      await sql`create sequence conversions_seq`.execute(db);
      await sql`alter table conversions add column seq bigint not null default nextval('conversions_seq')`.execute(
        db,
      );
      await sql`create index conversions_seq_key on conversions (seq)`.execute(db);
      // The insert trigger (0024) has counted every conversion there is: the mark starts above them.
      await db.schema
        .createTable('report_conversion_progress')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('rolled_through', bigint, (c) => c.notNull())
        .execute();
      await sql`insert into report_conversion_progress select 1, coalesce(max(seq), 0) from conversions`.execute(
        db,
      );
      await sql`drop trigger report_conversions_roll_insert on conversions`.execute(db);
      const rolled = 'seq <= mark';
      const addCounts = (changes: string) => sql.raw(`${addConversionCountsSql(changes)};`);
      // The catch-up moves the mark holding an EXCLUSIVE lock on its table; this ROW SHARE lock,
      // held to commit, makes a status change or deletion either wait for a running catch-up and
      // see its mark, or hold the catch-up off until it commits. Fast-path and self-compatible,
      // it writes nothing, where a row lock (FOR SHARE) on the mark would. Outside READ COMMITTED
      // the mark is read FOR SHARE too, which fails rather than read one from before a catch-up.
      await sql`create or replace function report_conversions_roll_statement() returns trigger
        language plpgsql as $$
        declare
          mark bigint;
        begin
          if not exists (select 1 from old_rows) then return null; end if;
          lock table report_conversion_progress in row share mode;
          if current_setting('transaction_isolation') = 'read committed' then
            select rolled_through into mark from report_conversion_progress where id = 1;
          else
            select rolled_through into mark from report_conversion_progress where id = 1 for share;
          end if;
          if tg_op = 'DELETE' then ${addCounts(signedConversions('old_rows', -1, rolled))}
          else ${addCounts(`${signedConversions('old_rows', -1, rolled)} union all ${signedConversions('new_rows', 1, rolled)}`)}
          end if;
          return null;
        end $$`.execute(db);
      // The tail's rows, typed as report_conversions' columns (the function returns its row type).
      const counted = (column: string) =>
        `(case when v.status in ('pending', 'approved') then v.${column} else 0 end)::double precision`;
      const byStatus = ['pending', 'approved', 'rejected', 'declined', 'reversed']
        .map((s) => `(case when v.status = '${s}' then 1 else 0 end)::bigint`)
        .join(', ');
      const tail = `select (v.created_at - v.created_at % 900000)::bigint,
          coalesce(c.created_at - c.created_at % 900000, v.created_at - v.created_at % 900000)::bigint,
          v.link_id::integer, v.offer_id::integer, v.publisher_id::integer, v.advertiser_id::integer, v.goal::text,
          coalesce(c.country, '')::text, coalesce(c.device, '')::text, coalesce(c.os, '')::text,
          coalesce(c.browser, '')::text, ${byStatus}, ${counted('revenue')}, ${counted('payout')}
        from conversions v left join clicks c on c.id = v.click_id where v.seq > `;
      // The conversions after the mark, one per row. A function, planned with the mark as a literal:
      // in a view, the planner takes `seq > (subquery)` for a third of the table and launches
      // parallel workers for the few rows there are. STABLE, so it reads the calling statement's
      // snapshot; ROWS, the estimate the caller plans with.
      await sql`create function report_conversions_tail() returns setof report_conversions language plpgsql
        stable rows 100 as $$
        declare
          mark bigint;
        begin
          select rolled_through into mark from report_conversion_progress where id = 1;
          return query execute ${sql.lit(tail)} || mark;
        end $$`.execute(db);
      // What reports read: the rollup and the conversions not in it yet; in one statement, so mark,
      // rollup and raw rows are of one moment.
      await sql`create view report_conversions_now as
        select ${sql.raw(ROLLUP_COLUMNS)} from report_conversions
        union all
        select ${sql.raw(ROLLUP_COLUMNS)} from report_conversions_tail()`.execute(db);
    },
  };
}
