// `npm run bench`: starts Trackwire as a real process on a realistic data set and drives it over
// loopback. Every figure is paired with a reference measured in the same run, because absolute
// numbers on shared machines drift. `--smoke` runs each phase for about a second (CI keeps it from
// rotting); `--soak=SECONDS` sets the memory soak (default 300 s; 0 skips it).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateToLatest } from '../src/db/migrate.ts';
import { openStore, type Store } from '../src/db/store.ts';
import { type BenchDatabase, createBenchDatabase } from './lib/bench-database.ts';
import { measureRawIngest } from './lib/ingest-reference.ts';
import { median, runLoad } from './lib/load.ts';
import { addSlowDeliveries, drainDeliveries } from './lib/outbound.ts';
import { startReference302, startTrackwire } from './lib/processes.ts';
import { startReceiver } from './lib/receiver.ts';
import { printReport, type Report } from './lib/report.ts';
import { FULL_SIZES, seedCatalog } from './lib/seed.ts';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'] as const;
  }),
);
const smoke = args.has('smoke');
const phaseSeconds = Number(args.get('seconds') ?? (smoke ? 1 : 5));
const rounds = smoke ? 1 : 3;
const soakSeconds = Number(args.get('soak') ?? (smoke ? 0 : 300));
const ADMIN_KEY = 'tw_bench_admin_key_0123456789';

async function countRows(store: Store, table: 'clicks' | 'conversions' | 'deliveries'): Promise<number> {
  const row = await store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function main(): Promise<void> {
  const started = Date.now();
  const receiver = await startReceiver();
  const database: BenchDatabase = await createBenchDatabase(process.env.DATABASE_URL);
  const store = openStore(database.storeOptions);
  await migrateToLatest(store.db, store.capabilities);
  const seeded = await seedCatalog(store.db, FULL_SIZES, receiver.url);
  const env = {
    ...database.env,
    TRACKWIRE_ADMIN_KEY: ADMIN_KEY,
    TRACKWIRE_ALLOW_PRIVATE_TARGETS: 'true',
    TRACKWIRE_ENDPOINT_INFLIGHT_CAP: '64',
  };
  const report: Report = {
    machine: { cpus: (await import('node:os')).cpus().length, dialect: store.capabilities.dialect, smoke },
  } as Report;
  let peakRssMb = 0;

  // 1. Click redirect vs a bare node:http 302, alternated A/B/A/B.
  const api = await startTrackwire(env, 'api');
  const reference = await startReference302();
  let n = 0;
  const clickPath = () => {
    n++;
    return `/c/${seeded.slugs[n % seeded.slugs.length]}?sub1=s${n}&cid=ext${n}`;
  };
  const refRates: number[] = [];
  const clickRates: number[] = [];
  let redirected = 0;
  let clickErrors = 0;
  for (let r = 0; r < rounds; r++) {
    refRates.push((await runLoad({ url: reference.url, seconds: phaseSeconds })).rps);
    const run = await runLoad({ url: api.url, seconds: phaseSeconds, nextPath: clickPath });
    clickRates.push(run.rps);
    redirected += run.answers['3xx'];
    clickErrors += run.answers['5xx'] + run.answers['4xx'] + run.answers.errors;
  }
  const clickRate = median(clickRates);
  const fixed = await runLoad({
    url: api.url,
    seconds: phaseSeconds * 2,
    nextPath: clickPath,
    rate: Math.max(1, Math.round(clickRate / 2)),
  });
  redirected += fixed.answers['3xx'];
  await reference.stop();
  const storedClicks = await countRows(store, 'clicks');
  report.clicks = {
    referenceRps: median(refRates),
    trackwireRps: clickRate,
    ratio: clickRate / median(refRates),
    p50Ms: fixed.p50,
    p99Ms: fixed.p99,
    fixedRate: Math.round(clickRate / 2),
    redirected,
    stored: storedClicks,
    lost: Math.max(0, redirected - storedClicks),
    errors: clickErrors,
  };

  // 2. Inbound ingest: distinct accepted conversions, then the same postbacks again (duplicates).
  const clicks = await store.db.selectFrom('clicks').select(['id', 'advertiser_id']).limit(200_000).execute();
  let i = 0;
  const ingestPaths: string[] = [];
  const ingestPath = () => {
    const c = clicks[i % clicks.length];
    const path = `/postback?token=${seeded.tokens.get(c.advertiser_id)}&click_id=${c.id}&txn_id=t${i}&payout=1.50&status=approved`;
    ingestPaths.push(path);
    i++;
    return path;
  };
  const ingest = await runLoad({ url: api.url, seconds: phaseSeconds, nextPath: ingestPath });
  let j = 0;
  const duplicate = await runLoad({
    url: api.url,
    seconds: phaseSeconds,
    nextPath: () => ingestPaths[j++ % ingestPaths.length],
  });
  const conversions = await countRows(store, 'conversions');
  const rawRate = await measureRawIngest(smoke ? 2_000 : 20_000);
  peakRssMb = Math.max(peakRssMb, api.memory().peakMb);
  await api.stop();
  report.ingest = {
    acceptedRps: ingest.rps,
    accepted: ingest.answers['2xx'],
    stored: conversions,
    lost: Math.max(0, ingest.answers['2xx'] - conversions),
    duplicateRps: duplicate.rps,
    rawInsertRps: rawRate,
    ratio: ingest.rps / rawRate,
    errors: ingest.answers['4xx'] + ingest.answers['5xx'] + ingest.answers.errors,
  };

  // 3. Outbound: a worker drains every delivery the ingest queued; then a slow (100 ms) receiver.
  const queued = await countRows(store, 'deliveries');
  const fast = await drainDeliveries(store, env, queued);
  peakRssMb = Math.max(peakRssMb, fast.peakRssMb);
  receiver.delayMs = 100;
  const cap = Number(env.TRACKWIRE_ENDPOINT_INFLIGHT_CAP);
  const slowCount = smoke ? 200 : 3_000;
  await addSlowDeliveries(store, receiver.url, slowCount);
  const slow = await drainDeliveries(store, env, slowCount);
  receiver.delayMs = 0;
  const ideal = cap / 0.1;
  report.outbound = {
    delivered: fast.delivered,
    deliveriesPerSecond: fast.perSecond,
    receiverDistinct: receiver.distinct.size,
    slowPerSecond: slow.perSecond,
    slowIdealPerSecond: ideal,
    slowRatio: slow.perSecond / ideal,
  };

  // 4. Memory: peak RSS, and growth across a soak at a fixed click rate.
  if (soakSeconds > 0) {
    const soakApi = await startTrackwire(env, 'all');
    const samples: number[] = [];
    const timer = setInterval(() => samples.push(soakApi.memory().rssMb), 5_000);
    await runLoad({
      url: soakApi.url,
      seconds: soakSeconds,
      nextPath: clickPath,
      rate: Math.max(1, Math.round(clickRate / 4)),
    });
    clearInterval(timer);
    peakRssMb = Math.max(peakRssMb, soakApi.memory().peakMb);
    await soakApi.stop();
    // The first minute is warm-up (JIT, caches, SQLite page cache): compare the rest.
    const settled = samples.slice(Math.min(12, Math.floor(samples.length / 2)));
    report.soak = {
      seconds: soakSeconds,
      firstMb: settled[0] ?? 0,
      lastMb: settled[settled.length - 1] ?? 0,
      growth: settled.length ? settled[settled.length - 1] / settled[0] - 1 : 0,
    };
  }
  report.peakRssMb = peakRssMb;
  report.seconds = (Date.now() - started) / 1000;

  await store.close();
  await receiver.close();
  await database.drop();
  printReport(report);
  writeFileSync(join(import.meta.dirname, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
}

await main();
process.exit(0);
