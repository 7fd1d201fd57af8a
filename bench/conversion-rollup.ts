// What keeping the conversion rollup costs PostgreSQL per new conversion: the server process's CPU
// time for multi-row inserts of 32 conversions (as the inbound writer sends them), with what the
// rollup puts on the insert (the `seq` default and its B-tree entry; no trigger) and without it
// (a constant default, no index), in alternated rounds on one fresh database; and the CPU time of
// the catch-up that then adds each round's conversions to the rollup, off the inserting transaction;
// and the CPU time of status changes of rolled-up conversions, one per statement as the inbound
// writer makes them, with the conversion hours' triggers (migration 0028) and without them.
// CPU time is read from /proc (so the server must run on this machine), which a busy shared machine
// moves less than rates.
// `DATABASE_URL=postgres://… node bin/run-ts.js bench/conversion-rollup.ts [--rounds=5] [--batches=300]`
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { sql } from 'kysely';
import { migrateToLatest } from '../src/db/migrate.ts';
import { rollConversionsThrough } from '../src/db/postgres/conversion-rollup-catch-up.ts';
import { openStore } from '../src/db/store.ts';
import { createBenchDatabase } from './lib/bench-database.ts';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const rounds = Number(args.get('rounds') ?? 5);
const batches = Number(args.get('batches') ?? 300);
const CLICKS = 200_000;
const BATCH = 32;
const CHANGES = 2_000;
const HOURS_TRIGGERS = ['insert', 'update', 'delete'].map((e) => `report_conversion_hours_on_${e}`);

if (!process.env.DATABASE_URL?.startsWith('postgres'))
  throw new Error('set DATABASE_URL to a PostgreSQL server');
const database = await createBenchDatabase(process.env.DATABASE_URL);
const store = openStore(database.storeOptions);

/** The server process's user + system CPU time, in ms. */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  await migrateToLatest(store.db, store.capabilities);
  // Clicks across 100 links, 4 countries, 3 OSs, 2 devices and browsers, over about half an hour.
  await sql`insert into clicks (id, link_id, offer_id, publisher_id, advertiser_id, country, device, os, browser,
      is_unique, created_at)
    select 'c' || g, 1 + g % 100, 1 + g % 20, 1 + g % 10, 1 + g % 5, (array['DE','US','FR','GB'])[1 + g % 4],
      (array['mobile','desktop'])[1 + g % 2], (array['iOS','Android','Windows'])[1 + g % 3],
      (array['Safari','Chrome'])[1 + g % 2], 1, 1780000000000 + g * 10
    from generate_series(1, ${CLICKS}) g`.execute(store.db);
  await sql`vacuum analyze`.execute(store.db);
  // New conversions of random clicks, in dedupe-key order, as one statement.
  const insert = sql`insert into conversions (id, click_id, offer_id, publisher_id, advertiser_id, link_id, goal,
      dedupe_key, status, payout, revenue, currency, created_at, updated_at)
    select k, c.id, c.offer_id, c.publisher_id, c.advertiser_id, c.link_id, 'default', k, 'approved', 1.5, 2.5,
      'USD', 1780003000000, 1780003000000
    from (select md5(random()::text || clock_timestamp()::text || g) as k,
        'c' || (1 + floor(random() * ${CLICKS}))::int as cid from generate_series(1, ${BATCH}) g) r
      join clicks c on c.id = r.cid
    order by k on conflict (dedupe_key) do nothing`;
  const figures = {
    with: [] as number[],
    without: [] as number[],
    catchUp: [] as number[],
    changeWithHours: [] as number[],
    changeWithoutHours: [] as number[],
  };
  await store.db.connection().execute(async (db) => {
    const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
    const pid = rows[0].pid;
    const measure = async (rollup: boolean) => {
      if (rollup) {
        await sql`alter table conversions alter column seq set default nextval('conversions_seq')`.execute(
          db,
        );
        await sql`create index if not exists conversions_seq_key on conversions (seq)`.execute(db);
      } else {
        await sql`drop index if exists conversions_seq_key`.execute(db);
        await sql`alter table conversions alter column seq set default 0`.execute(db);
      }
      for (let i = 0; i < 20; i++) await insert.execute(db); // plans cached, as on a pooled connection
      const before = cpuMsOf(pid);
      for (let i = 0; i < batches; i++) await insert.execute(db);
      return ((cpuMsOf(pid) - before) * 1000) / (batches * BATCH);
    };
    /** The catch-up of everything numbered so far, on this connection: CPU µs per conversion added. */
    const catchUp = async () => {
      const { rows: last } = await sql<{ n: string }>`select last_value as n from conversions_seq`.execute(
        db,
      );
      const before = cpuMsOf(pid);
      let added = 0;
      for (;;) {
        const step = await rollConversionsThrough(db, Number(last[0].n));
        if (step === 0) break;
        added += step;
      }
      return ((cpuMsOf(pid) - before) * 1000) / added;
    };
    for (let r = 0; r < rounds; r++) {
      // Alternated, each first in every other round.
      const order = r % 2 ? [false, true] : [true, false];
      for (const rollup of order) {
        (rollup ? figures.with : figures.without).push(await measure(rollup));
        if (rollup) figures.catchUp.push(await catchUp());
      }
    }
    /** Status changes of rolled-up conversions, one statement each: CPU µs per change. */
    const measureChanges = async (hours: boolean) => {
      for (const trigger of HOURS_TRIGGERS) {
        await sql
          .raw(`alter table report_conversions ${hours ? 'enable' : 'disable'} trigger ${trigger}`)
          .execute(db);
      }
      const { rows: picked } = await sql<{ id: string }>`select id from conversions where seq > 0
        order by random() limit ${CHANGES + 20}`.execute(db);
      const change = (id: string) =>
        sql`update conversions
        set status = case when status = 'approved' then 'pending' else 'approved' end where id = ${id}`.execute(
          db,
        );
      for (const { id } of picked.slice(0, 20)) await change(id);
      const before = cpuMsOf(pid);
      for (const { id } of picked.slice(20)) await change(id);
      return ((cpuMsOf(pid) - before) * 1000) / CHANGES;
    };
    for (let r = 0; r < rounds; r++) {
      for (const hours of r % 2 ? [false, true] : [true, false]) {
        (hours ? figures.changeWithHours : figures.changeWithoutHours).push(await measureChanges(hours));
      }
    }
  });
  const show = (xs: number[]) => `${median(xs).toFixed(1)} µs (${xs.map((x) => x.toFixed(1)).join(', ')})`;
  console.log(
    `PostgreSQL CPU per new conversion, ${batches} inserts of ${BATCH} per round, ${rounds} rounds:`,
  );
  console.log(`  inserts with the rollup's seq column:  ${show(figures.with)}`);
  console.log(`  inserts without it:                    ${show(figures.without)}`);
  const share = (median(figures.with) / median(figures.without) - 1) * 100;
  console.log(`  the seq column adds ${share.toFixed(0)} % to the database's CPU time of these inserts`);
  console.log(`  the catch-up, per conversion added:    ${show(figures.catchUp)}`);
  console.log(`PostgreSQL CPU per status change of a rolled-up conversion, ${CHANGES} per round:`);
  console.log(`  with the conversion hours' triggers:   ${show(figures.changeWithHours)}`);
  console.log(`  without them:                          ${show(figures.changeWithoutHours)}`);
  console.log(
    `  load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  await store.close();
  await database.drop();
}
