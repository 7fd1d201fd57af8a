// What the conversion hours (migration 0027, SQLite) cost per new conversion: this process's CPU
// time for inserts of 32 conversions in a transaction (as the inbound writer sends them), through
// the conversion rollup's triggers with and without the hours' triggers, in alternated rounds on
// one fresh store. `node bin/run-ts.js bench/conversion-hours.ts [--rounds=6] [--batches=100]`
import { loadavg } from 'node:os';
import { sqliteHandleOf } from '../src/db/driver-handles.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { openStore } from '../src/db/store.ts';
import { createCatalog } from '../test/support/fixtures.ts';
import { clickRow, conversionRow } from '../test/support/rows.ts';
import { createBenchDatabase } from './lib/bench-database.ts';
import { parseArgs } from './lib/bench-run.ts';

const args = parseArgs(process.argv.slice(2));
const rounds = Number(args.get('rounds') ?? 6);
const batches = Number(args.get('batches') ?? 100);
const BATCH = 32;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const database = await createBenchDatabase(undefined);
const store = openStore(database.storeOptions);
try {
  await migrateToLatest(store.db, store.capabilities);
  const db = store.db;
  const sqlite = sqliteHandleOf(store);
  const triggers = sqlite
    .prepare(
      "select name, sql from sqlite_master where type = 'trigger' and name like 'report_conversion_hours%'",
    )
    .all() as { name: string; sql: string }[];
  // Clicks of 20 offers over the last hour, in 4 countries and 2 devices: conversions of one offer
  // and hour share an hours row, and mostly not a rollup row.
  const catalogs: Awaited<ReturnType<typeof createCatalog>>[] = [];
  for (let i = 0; i < 20; i++) catalogs.push(await createCatalog(db));
  const now = Date.now();
  const clicks = Array.from({ length: 20_000 }, (_, i) => {
    const { link, offer, publisher, advertiser } = catalogs[i % catalogs.length];
    return clickRow({
      link_id: link.id,
      offer_id: offer.id,
      publisher_id: publisher.id,
      advertiser_id: advertiser.id,
      country: ['DE', 'US', 'FR', 'GB'][i % 4],
      device: ['mobile', 'desktop'][i % 2],
      created_at: now - 3_600_000 + i * 100,
    });
  });
  for (let i = 0; i < clicks.length; i += 500)
    await db
      .insertInto('clicks')
      .values(clicks.slice(i, i + 500))
      .execute();

  let n = 0;
  /** CPU µs per conversion of `batches` inserts, with or without the hours' triggers. */
  const round = async (withHours: boolean) => {
    for (const t of triggers) {
      sqlite.exec(`drop trigger if exists ${t.name}`);
      if (withHours) sqlite.exec(t.sql);
    }
    const before = process.cpuUsage();
    for (let b = 0; b < batches; b++) {
      const rows = Array.from({ length: BATCH }, () => {
        const c = clicks[n++ % clicks.length];
        return conversionRow({
          id: `cv_bench_${n}`,
          click_id: c.id,
          link_id: c.link_id,
          offer_id: c.offer_id,
          publisher_id: c.publisher_id,
          advertiser_id: c.advertiser_id,
          dedupe_key: `dk-${n}`,
          created_at: now - 60_000 + n * 10,
        });
      });
      await db.transaction().execute((trx) => trx.insertInto('conversions').values(rows).execute());
    }
    const spent = process.cpuUsage(before);
    return (spent.user + spent.system) / (batches * BATCH);
  };
  const withHours: number[] = [];
  const without: number[] = [];
  for (let r = 0; r < rounds; r++) {
    withHours.push(await round(true));
    without.push(await round(false));
  }
  const list = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(', ');
  console.log(
    `CPU per new conversion, ${BATCH}-row inserts, ${rounds} alternated rounds (load ${loadavg()[0].toFixed(1)}):`,
  );
  console.log(`  with the hours     median ${median(withHours).toFixed(1)} µs (${list(withHours)})`);
  console.log(`  without the hours  median ${median(without).toFixed(1)} µs (${list(without)})`);
} finally {
  await store.close();
  await database.drop();
}
