// `npm run bench`: starts Trackwire as a real process on a realistic data set and drives it over
// loopback. Every figure is paired with a reference measured in the same run, because absolute
// numbers on shared machines drift.
//   --smoke            each phase for about a second, no soak (CI runs this so the bench never rots)
//   --seconds=N        length of each load phase (default 5)
//   --soak=SECONDS     memory soak length (default 300; 0 skips it)
//   --only=a,b         run only these phases: clicks, ingest, outbound, scale (PostgreSQL), soak,
//                      adplatform, smartlinks, retention, and rewards (ingest with rewards and five
//                      rules on, vs plain; not in the default set)
//   --adplatform-count=N  conversions the adplatform phase forwards (default 50 000; smoke 2 000)
//   --rollup-catch-up=off  no rollup catch-up during ingest (a reference: on PostgreSQL, ingest
//                      without the conversion rollup's cost)
//   --cpu-prof=DIR     write a V8 CPU profile of every Trackwire process into DIR (not the references)
// DATABASE_URL=postgres://… runs the same phases on a fresh database on that server.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAdPlatformPhase } from './adplatform.ts';
import { openBenchRun, parseArgs } from './lib/bench-run.ts';
import { readCpuTimes, stolenShare } from './lib/host-steal.ts';
import {
  runClickPhase,
  runIngestPhase,
  runOutboundPhase,
  runScalePhase,
  runSoakPhase,
} from './lib/phases.ts';
import { profileTrackwireInto } from './lib/processes.ts';
import { printReport } from './lib/report.ts';
import { runRetentionPhase } from './lib/retention-phase.ts';
import { printRewardsIngest, runRewardsIngestPhase } from './lib/rewards-ingest.ts';
import { runSmartLinkPhase } from './smartlink.ts';

const args = parseArgs(process.argv.slice(2));
const smoke = args.has('smoke');
const soakSeconds = Number(args.get('soak') ?? (smoke ? 0 : 300));
const only = new Set(
  (args.get('only') ?? 'clicks,ingest,outbound,scale,soak,adplatform,smartlinks').split(','),
);

async function main(): Promise<void> {
  const started = Date.now();
  const cpuBefore = readCpuTimes();
  const profileDir = args.get('cpu-prof');
  if (profileDir) profileTrackwireInto(profileDir);
  const { state, close } = await openBenchRun({
    databaseUrl: process.env.DATABASE_URL,
    smoke,
    phaseSeconds: Number(args.get('seconds') ?? (smoke ? 1 : 5)),
    rollupCatchUp: args.get('rollup-catch-up') !== 'off',
  });
  const { store } = state;
  try {
    if (only.has('clicks')) await runClickPhase(state);
    if (only.has('ingest') || only.has('outbound')) await runIngestPhase(state);
    if (only.has('outbound')) await runOutboundPhase(state);
    if (only.has('scale') && store.capabilities.dialect === 'postgres') await runScalePhase(state);
    if (only.has('soak') && soakSeconds > 0) await runSoakPhase(state, soakSeconds);
    if (only.has('adplatform')) await runAdPlatformPhase(state, Number(args.get('adplatform-count') ?? 0));
    if (only.has('smartlinks')) Object.assign(state.report, { smartlinks: await runSmartLinkPhase(state) });
    if (only.has('rewards')) await runRewardsIngestPhase(state);
    if (only.has('retention') || !args.has('only'))
      Object.assign(state.report, { retention: await runRetentionPhase(state) });
  } finally {
    await close();
  }
  state.report.peakRssMb = state.peakRssMb;
  state.report.peakRssByProcess = state.peaks;
  state.report.seconds = (Date.now() - started) / 1000;
  state.report.machine.stolen = stolenShare(cpuBefore, readCpuTimes());
  printReport(state.report);
  printRewardsIngest(state.report);
  writeFileSync(join(import.meta.dirname, 'results.json'), `${JSON.stringify(state.report, null, 2)}\n`);
}

await main();
process.exit(0);
