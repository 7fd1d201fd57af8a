// How fast do reports answer on a big store? Seeds clicks and conversions over 90 days across the
// offers and publishers below (straight into the tables, in SQL, with the rollups built by the click
// rollup's catch-up and the conversion triggers), then times three reports through the report service
// and, in the same run, a raw GROUP BY over the clicks table; median of 3, on SQLite and PostgreSQL.
//   node bin/run-ts.js bench/reports.ts [--clicks=10000000] [--stores=sqlite,postgres] [--db=<folder>]
//     [--pg-db=<database>]
// --db keeps the SQLite store in that folder, --pg-db the PostgreSQL store in that database: seeded
// on the first run, reused (not reseeded) after.
// Targets at 10 M clicks: 30 days by day × offer ≤ 250 ms, 90 days by publisher ≤ 250 ms,
// 7 days by sub1 ≤ 2 s. PostgreSQL is reached at DATABASE_URL (default the local test server).
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import type { Db } from '../src/db/database.types.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { openStore, type Store } from '../src/db/store.ts';
import { buildReport } from '../src/reports/report.service.ts';
import { parseReportQuery } from '../src/reports/report-query.ts';
import { dateOfDay } from '../src/reports/time-zone.ts';
import { createBenchDatabase } from './lib/bench-database.ts';
import { parseArgs } from './lib/bench-run.ts';

const args = parseArgs(process.argv.slice(2));
const CLICKS = Number(args.get('clicks') ?? 10_000_000);
const CONVERSIONS = Number(args.get('conversions') ?? Math.round(CLICKS / 20));
const OFFERS = Number(args.get('offers') ?? 1_000);
const PUBLISHERS = Number(args.get('publishers') ?? 200);
const LINKS_PER_OFFER = 5;
const DAYS = 90;
const STORES = (args.get('stores') ?? 'sqlite,postgres').split(',');
const KEPT_SQLITE_DIR = args.get('db');
const KEPT_POSTGRES_DB = args.get('pg-db');
const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DAY_MS = 86_400_000;
let TODAY = Math.floor(Date.now() / DAY_MS);
let START = (TODAY - DAYS + 1) * DAY_MS;
const CHUNK = 1_000_000;

async function seedCatalog(db: Db): Promise<number> {
  const stamps = { created_at: START, updated_at: START };
  const advertisers = Array.from({ length: 50 }, (_, i) => ({
    name: `Advertiser ${i}`,
    postback_token: `adv_${i}`,
    ip_allowlist: '[]',
    status_map: '{}',
    ...stamps,
  }));
  await db.insertInto('advertisers').values(advertisers).execute();
  for (let i = 0; i < OFFERS; i += 500) {
    const offers = Array.from({ length: Math.min(500, OFFERS - i) }, (_, k) => ({
      advertiser_id: 1 + ((i + k) % 50),
      name: `Offer ${i + k}`,
      url: 'https://advertiser.example/?c={click_id}',
      payout: 2,
      revenue: 3,
      currency: 'USD',
      allow_duplicates: 0,
      click_lifetime_days: 30,
      ...stamps,
    }));
    await db.insertInto('offers').values(offers).execute();
  }
  const publishers = Array.from({ length: PUBLISHERS }, (_, i) => ({
    name: `Publisher ${i}`,
    security_token: `tok_${i}`,
    signing_secret: `whsec_${i}`,
    ...stamps,
  }));
  await db.insertInto('publishers').values(publishers).execute();
  const links = OFFERS * LINKS_PER_OFFER;
  for (let i = 0; i < links; i += 1_000) {
    const rows = Array.from({ length: Math.min(1_000, links - i) }, (_, k) => ({
      slug: `l${i + k}`,
      offer_id: 1 + ((i + k) % OFFERS),
      publisher_id: 1 + (((i + k) * 7) % PUBLISHERS),
      subs: '{}',
      ...stamps,
    }));
    await db.insertInto('links').values(rows).execute();
  }
  return links;
}

/** Clicks `from`…`to`-1 in time order over the 90 days: link, country, device, OS, browser and sub1 by formula. */
function clickInsert(postgres: boolean, from: number, to: number, links: number) {
  const step = Math.floor((DAYS * DAY_MS) / CLICKS);
  const series = postgres
    ? sql.raw(`generate_series(${from}::bigint, ${to - 1}::bigint) s(i)`)
    : sql.raw(
        `(with recursive q(i) as (select ${from} union all select i + 1 from q where i < ${to - 1}) select i from q) s`,
      );
  const id = postgres ? `'c' || lpad(s.i::text, 10, '0')` : `printf('c%010d', s.i)`;
  return sql`insert into clicks (id, link_id, offer_id, publisher_id, advertiser_id, sub1, ip, user_agent,
      device, os, browser, country, is_bot, is_unique, created_at)
    select ${sql.raw(id)}, l.id, l.offer_id, l.publisher_id, o.advertiser_id, 's' || (s.i % 20000), '198.51.100.7',
      'Mozilla/5.0', case s.i % 3 when 0 then 'mobile' when 1 then 'desktop' else 'tablet' end,
      case s.i % 5 when 0 then 'iOS' when 1 then 'Android' when 2 then 'Windows' when 3 then 'macOS' else 'Linux' end,
      case s.i % 4 when 0 then 'Chrome' when 1 then 'Safari' when 2 then 'Firefox' else 'Edge' end,
      substr('USDEFRGBINBRJPCAAUESITNLPLSEMXIDTRKRZAAR', 1 + cast(s.i % 20 as integer) * 2, 2),
      0, case when s.i % 10 = 0 then 0 else 1 end, ${sql.raw(String(START))} + s.i * ${sql.raw(String(step))}
    from ${series} join links l on l.id = 1 + (s.i * 7919) % ${sql.raw(String(links))}
      join offers o on o.id = l.offer_id`;
}

function conversionInsert(postgres: boolean, from: number, to: number) {
  const every = Math.max(1, Math.floor(CLICKS / CONVERSIONS));
  const series = postgres
    ? sql.raw(`generate_series(${from}::bigint, ${to - 1}::bigint) s(i)`)
    : sql.raw(
        `(with recursive q(i) as (select ${from} union all select i + 1 from q where i < ${to - 1}) select i from q) s`,
      );
  const clickId = postgres
    ? `'c' || lpad((s.i * ${every})::text, 10, '0')`
    : `printf('c%010d', s.i * ${every})`;
  return sql`insert into conversions (id, click_id, offer_id, publisher_id, advertiser_id, link_id, goal, txn_id,
      dedupe_key, status, status_raw, payout, revenue, currency, needs_review, created_at, updated_at)
    select 'cv_' || c.id, c.id, c.offer_id, c.publisher_id, c.advertiser_id, c.link_id, 'default', c.id, c.id,
      case s.i % 10 when 0 then 'rejected' when 1 then 'pending' when 2 then 'pending' when 3 then 'reversed' else 'approved' end,
      null, 2, 3, 'USD', 0, c.created_at + 3600000, c.created_at + 3600000
    from ${series} join clicks c on c.id = ${sql.raw(clickId)}`;
}

async function seed(store: Store, postgres: boolean): Promise<void> {
  const began = performance.now();
  const db = store.db;
  const links = await seedCatalog(db);
  for (let i = 0; i < CLICKS; i += CHUNK) {
    await clickInsert(postgres, i, Math.min(CLICKS, i + CHUNK), links).execute(db);
    console.log(
      `  ${Math.min(CLICKS, i + CHUNK)} clicks (${((performance.now() - began) / 1000).toFixed(0)} s)`,
    );
  }
  // The click rollup, by the same catch-up the server runs behind the click writers.
  while ((await store.clicks.catchUpRollup()) > 0) {}
  // Conversions go through the triggers that keep their rollup (SQLite), or its catch-up (PostgreSQL).
  for (let i = 0; i < CONVERSIONS; i += CHUNK / 4) {
    await conversionInsert(postgres, i, Math.min(CONVERSIONS, i + CHUNK / 4)).execute(db);
  }
  while ((await store.conversionRollup.catchUp()) > 0) {}
  // PostgreSQL: vacuum summarizes the BRIN ranges of clicks.seq, as autovacuum does after inserts.
  if (postgres) await sql`vacuum analyze`.execute(db);
  else await sql`analyze`.execute(db);
  const rollups = await db
    .selectFrom('report_clicks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  console.log(
    `  seeded ${CLICKS} clicks, ${CONVERSIONS} conversions (${Number(rollups.n)} click rollup rows) in ${((performance.now() - began) / 1000).toFixed(0)} s`,
  );
}

/** A kept store that is already seeded: the reports then ask for the days it was seeded for. */
async function adoptSeededDays(db: Db): Promise<boolean> {
  const last = await db
    .selectFrom('clicks')
    .select((eb) => eb.fn.max('created_at').as('at'))
    .executeTakeFirst();
  if (last?.at == null) return false;
  TODAY = Math.floor(Number(last.at) / DAY_MS);
  START = (TODAY - DAYS + 1) * DAY_MS;
  console.log(`  reusing the seeded store (last click on day ${TODAY})`);
  return true;
}

async function openKeptPostgres(name: string) {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`--pg-db: not a plain database name: ${name}`);
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  const found = await admin.query('select 1 from pg_database where datname = $1', [name]);
  if (found.rowCount === 0) await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return { storeOptions: { databaseUrl: url.toString() }, drop: async () => {} };
}

function openBenchDatabase(postgres: boolean) {
  if (postgres && KEPT_POSTGRES_DB) return openKeptPostgres(KEPT_POSTGRES_DB);
  if (postgres || !KEPT_SQLITE_DIR) return createBenchDatabase(postgres ? POSTGRES_URL : undefined);
  mkdirSync(KEPT_SQLITE_DIR, { recursive: true });
  return { storeOptions: { dataDir: KEPT_SQLITE_DIR }, drop: async () => {} };
}

async function medianMs(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[1];
}

interface Line {
  store: string;
  report: string;
  ms: number;
  rows: number;
  target: string;
}

async function measure(name: string, store: Store): Promise<Line[]> {
  const db = store.db;
  const last = (days: number) => ({ from: dateOfDay(TODAY - days + 1), to: dateOfDay(TODAY) });
  const cases = [
    {
      report: '30 days, day × offer (Asia/Kolkata)',
      params: { ...last(30), tz: 'Asia/Kolkata', groupBy: 'day,offer', limit: '10000' },
      target: '≤ 250 ms',
    },
    {
      report: '90 days, by publisher',
      params: { ...last(90), tz: 'UTC', groupBy: 'publisher' },
      target: '≤ 250 ms',
    },
    {
      report: '7 days, by sub1 (raw rows)',
      params: { ...last(7), tz: 'UTC', groupBy: 'sub1', limit: '10000' },
      target: '≤ 2 s',
    },
  ];
  const lines: Line[] = [];
  for (const c of cases) {
    const query = parseReportQuery(c.params, 'UTC');
    let rows = 0;
    const ms = await medianMs(async () => {
      rows = (await buildReport(db, query, { role: 'admin' })).totalRows;
    });
    lines.push({ store: name, report: c.report, ms, rows, target: c.target });
  }
  const from = (TODAY - 29) * DAY_MS;
  let rawRows = 0;
  const rawMs = await medianMs(async () => {
    const r = await sql`select created_at / 86400000 as d, offer_id, count(*) as n from clicks
      where created_at >= ${from} and created_at < ${(TODAY + 1) * DAY_MS} group by 1, 2`.execute(db);
    rawRows = r.rows.length;
  });
  lines.push({
    store: name,
    report: 'raw GROUP BY clicks: 30 days, day × offer',
    ms: rawMs,
    rows: rawRows,
    target: '(reference)',
  });
  return lines;
}

async function main(): Promise<void> {
  const lines: Line[] = [];
  for (const name of STORES) {
    const postgres = name === 'postgres';
    const database = await openBenchDatabase(postgres);
    const store = openStore(database.storeOptions);
    try {
      await migrateToLatest(store.db, store.capabilities);
      if (!(await adoptSeededDays(store.db))) {
        console.log(`${name}: seeding`);
        await seed(store, postgres);
      }
      lines.push(...(await measure(name, store)));
    } finally {
      await store.close();
      await database.drop();
    }
  }
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(
    `\n${CLICKS} clicks, ${CONVERSIONS} conversions, ${OFFERS} offers, ${PUBLISHERS} publishers, ${DAYS} days; median of 3; load average ${load}\n`,
  );
  console.log('| store | report | median | rows | target |');
  console.log('|---|---|---:|---:|---|');
  for (const l of lines)
    console.log(`| ${l.store} | ${l.report} | ${l.ms.toFixed(0)} ms | ${l.rows} | ${l.target} |`);
}

await main();
process.exit(0);
