// `npm run bench`: starts Trackwire as a real process on a realistic data set and drives it over
// loopback. Every figure is paired with a reference measured in the same run, because absolute
// numbers on shared machines drift.
//   --smoke            each phase for about a second, no soak (CI runs this so the bench never rots)
//   --seconds=N        length of each load phase (default 5)
//   --soak=SECONDS     memory soak length (default 300; 0 skips it)
//   --only=a,b         run only these phases: clicks, ingest, outbound, scale (PostgreSQL), soak
//   --cpu-prof=DIR     write a V8 CPU profile of every Trackwire process into DIR (not the references)
// DATABASE_URL=postgres://… runs the same phases on a fresh database on that server.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { migrateToLatest } from '../src/db/migrate.ts';
import { openStore } from '../src/db/store.ts';
import { createBenchDatabase } from './lib/bench-database.ts';
import {
  type RunState,
  runClickPhase,
  runIngestPhase,
  runOutboundPhase,
  runScalePhase,
  runSoakPhase,
} from './lib/phases.ts';
import { profileTrackwireInto } from './lib/processes.ts';
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
const soakSeconds = Number(args.get('soak') ?? (smoke ? 0 : 300));
const only = new Set((args.get('only') ?? 'clicks,ingest,outbound,scale,soak').split(','));

async function main(): Promise<void> {
  const started = Date.now();
  const profileDir = args.get('cpu-prof');
  if (profileDir) profileTrackwireInto(profileDir);
  const receiver = await startReceiver();
  const database = await createBenchDatabase(process.env.DATABASE_URL);
  const store = openStore(database.storeOptions);
  await migrateToLatest(store.db, store.capabilities);
  const seeded = await seedCatalog(store.db, FULL_SIZES, receiver.url);
  const state: RunState = {
    store,
    seeded,
    receiver,
    env: {
      ...database.env,
      TRACKWIRE_ADMIN_KEY: 'tw_bench_admin_key_0123456789',
      TRACKWIRE_ALLOW_PRIVATE_TARGETS: 'true',
      TRACKWIRE_ENDPOINT_INFLIGHT_CAP: '64',
      // The load generator is one source IP; the per-IP limit would otherwise answer most of it 429.
      TRACKWIRE_INBOUND_RATE_LIMIT: '0',
    },
    smoke,
    phaseSeconds: Number(args.get('seconds') ?? (smoke ? 1 : 5)),
    rounds: smoke ? 1 : 3,
    report: { machine: { cpus: cpus().length, dialect: store.capabilities.dialect, smoke } } as Report,
    peakRssMb: 0,
    peaks: {},
  };
  try {
    if (only.has('clicks')) await runClickPhase(state);
    if (only.has('ingest') || only.has('outbound')) await runIngestPhase(state);
    if (only.has('outbound')) await runOutboundPhase(state);
    if (only.has('scale') && store.capabilities.dialect === 'postgres') await runScalePhase(state);
    if (only.has('soak') && soakSeconds > 0) await runSoakPhase(state, soakSeconds);
  } finally {
    await store.close();
    await receiver.close();
    await database.drop();
  }
  state.report.peakRssMb = state.peakRssMb;
  state.report.peakRssByProcess = state.peaks;
  state.report.seconds = (Date.now() - started) / 1000;
  printReport(state.report);
  writeFileSync(join(import.meta.dirname, 'results.json'), `${JSON.stringify(state.report, null, 2)}\n`);
}

await main();
process.exit(0);
