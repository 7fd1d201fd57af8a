// The benchmark's phases. Each takes the shared run state and fills its part of the report.
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import type { Store } from '../../src/db/store.ts';
import { startRollupCatchUp } from '../../src/reports/rollup-catch-up.ts';
import { measureRawIngest } from './ingest-reference.ts';
import { LOAD_CONNECTIONS, type LoadResult, median, runLoad } from './load.ts';
import { addSlowDeliveries, drainDeliveries } from './outbound.ts';
import { type PacedLoadResult, runPacedLoad } from './paced-load.ts';
import { type Child, startReference302, startTrackwire } from './processes.ts';
import type { Receiver } from './receiver.ts';
import type { Report } from './report.ts';
import { FULL_SIZES, type Seeded } from './seed.ts';

export interface RunState {
  store: Store;
  seeded: Seeded;
  receiver: Receiver;
  env: Record<string, string>;
  smoke: boolean;
  phaseSeconds: number;
  rounds: number;
  report: Report;
  peakRssMb: number;
  /** Peak RSS of each measured process, by what it was doing. */
  peaks: Record<string, number>;
  /** Measured click rate; later phases load at fractions of it. */
  clickRate?: number;
  /** Whether the rollups are caught up during ingest, as a worker node would (off: a reference without). */
  rollupCatchUp: boolean;
}

export async function countRows(
  store: Store,
  table: 'clicks' | 'conversions' | 'deliveries',
): Promise<number> {
  const row = await store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

let clickCounter = 0;
function clickPathFor(state: RunState): () => string {
  const { slugs } = state.seeded;
  return () => {
    clickCounter++;
    return `/c/${slugs[clickCounter % slugs.length]}?sub1=s${clickCounter}&cid=ext${clickCounter}`;
  };
}

function notePeak(state: RunState, label: string, peakMb: number): void {
  state.peaks[label] = Math.max(state.peaks[label] ?? 0, peakMb);
  state.peakRssMb = Math.max(state.peakRssMb, peakMb);
}

interface Measured<R> {
  result: R;
  /** The server's CPU time per answer (µs, all its threads). */
  cpuUsPerAnswer: number;
  /** The server's CPU time over the run's wall time: 1 is one core kept busy throughout. */
  busyCores: number;
}

/**
 * Runs a load against `server` and measures the server's CPU time per answer it counted (µs, all
 * its threads) and how much of a core that kept busy. Unlike a rate, this does not depend on how
 * hard the load generator could push, so it moves far less between runs; the bench reports it
 * beside the rates as a diagnostic.
 */
async function measuredLoad<R>(
  server: Child,
  load: () => Promise<R>,
  answered: (result: R) => number,
): Promise<Measured<R>> {
  const before = server.cpuMs();
  const started = performance.now();
  const result = await load();
  const cpuMs = server.cpuMs() - before;
  return {
    result,
    cpuUsPerAnswer: (cpuMs * 1000) / Math.max(1, answered(result)),
    busyCores: cpuMs / (performance.now() - started),
  };
}

async function withApi<T>(
  state: RunState,
  role: 'api' | 'all',
  label: string,
  run: (api: Child) => Promise<T>,
): Promise<T> {
  const api = await startTrackwire(state.env, role);
  try {
    return await run(api);
  } finally {
    notePeak(state, label, api.memory().peakMb);
    await api.stop();
  }
}

/**
 * 1. Click redirect vs a bare node:http 302, alternated A/B/A/B; then latency of both at half the
 * measured click rate. Both servers get the same stream of 100 distinct click URLs (different links
 * and sub ids), cycled by the load generator.
 *
 * Latency comes from the paced generator, not from a saturating run: the paced one sends evenly
 * spaced requests and times each from its intended send time, so a stall counts against every
 * request it delays. Paced runs alternate too, and the figures are their medians; every round's
 * p99 is kept beside them, so one that a stall of the host spoiled is seen, not hidden.
 */
export async function runClickPhase(state: RunState): Promise<void> {
  const clickPath = clickPathFor(state);
  const paths = Array.from({ length: 100 }, clickPath);
  const before = await countRows(state.store, 'clicks');
  await withApi(state, 'api', 'api (clicks)', async (api) => {
    const reference = await startReference302();
    const refRates: number[] = [];
    const clickRates: number[] = [];
    const refCpu: number[] = [];
    const clickCpu: number[] = [];
    let redirected = 0;
    let errors = 0;
    let fixedRate: number;
    const fixed: Measured<PacedLoadResult>[] = [];
    const referenceFixed: Measured<PacedLoadResult>[] = [];
    try {
      // Both servers warm up first (JIT, the link cache, SQLite's page cache), as in service.
      const warmUp = (server: Child) => runLoad({ url: server.url, seconds: state.smoke ? 1 : 2, paths });
      await warmUp(reference);
      const warm = await warmUp(api);
      redirected += warm.answers['3xx'];
      errors += warm.answers['4xx'] + warm.answers['5xx'] + warm.answers.errors;
      const redirects = (run: LoadResult) => run.answers['3xx'];
      for (let r = 0; r < state.rounds; r++) {
        const bare = await measuredLoad(
          reference,
          () => runLoad({ url: reference.url, seconds: state.phaseSeconds, paths }),
          redirects,
        );
        refRates.push(bare.result.rps);
        refCpu.push(bare.cpuUsPerAnswer);
        const measured = await measuredLoad(
          api,
          () => runLoad({ url: api.url, seconds: state.phaseSeconds, paths }),
          redirects,
        );
        const run = measured.result;
        clickCpu.push(measured.cpuUsPerAnswer);
        clickRates.push(run.rps);
        redirected += run.answers['3xx'];
        errors += run.answers['4xx'] + run.answers['5xx'] + run.answers.errors;
      }
      state.clickRate = median(clickRates);
      fixedRate = Math.max(1, Math.round(state.clickRate / 2));
      const paced = (server: Child) =>
        measuredLoad(
          server,
          () => runPacedLoad({ url: server.url, rate: fixedRate, seconds: state.phaseSeconds, paths }),
          (run) => run.answers['3xx'],
        );
      // The same rate and generator against the bare server, alternated as above: the latency
      // floor of this machine, measured beside each round so a stall of the host hits both.
      for (let r = 0; r < state.rounds; r++) {
        fixed.push(await paced(api));
        referenceFixed.push(await paced(reference));
      }
    } finally {
      await reference.stop();
    }
    for (const { result } of fixed) {
      redirected += result.answers['3xx'];
      errors += result.answers['4xx'] + result.answers['5xx'] + result.answers.errors;
    }
    const stored = (await countRows(state.store, 'clicks')) - before;
    state.report.clicks = {
      referenceRps: median(refRates),
      trackwireRps: state.clickRate,
      ratio: state.clickRate / median(refRates),
      cpuUsPerClick: median(clickCpu),
      referenceCpuUsPerRequest: median(refCpu),
      ...pacedFigures(fixed, referenceFixed),
      fixedRate,
      redirected,
      stored,
      lost: Math.max(0, redirected - stored),
      errors,
    };
  });
}

/** The click report's latency and CPU at the fixed rate: medians of the alternated paced rounds. */
function pacedFigures(trackwire: Measured<PacedLoadResult>[], reference: Measured<PacedLoadResult>[]) {
  const of = (runs: Measured<PacedLoadResult>[], figure: (run: Measured<PacedLoadResult>) => number) =>
    median(runs.map(figure));
  return {
    p50Ms: of(trackwire, (run) => run.result.p50),
    p99Ms: of(trackwire, (run) => run.result.p99),
    p99MsByRound: trackwire.map((run) => run.result.p99),
    referenceP50Ms: of(reference, (run) => run.result.p50),
    referenceP99Ms: of(reference, (run) => run.result.p99),
    referenceP99MsByRound: reference.map((run) => run.result.p99),
    busyCoresAtFixedRate: of(trackwire, (run) => run.busyCores),
    cpuUsPerClickAtFixedRate: of(trackwire, (run) => run.cpuUsPerAnswer),
    referenceBusyCoresAtFixedRate: of(reference, (run) => run.busyCores),
    referenceCpuUsAtFixedRate: of(reference, (run) => run.cpuUsPerAnswer),
  };
}

/** Clicks for the ingest phase when the click phase did not run. */
async function ensureClicks(state: RunState, wanted: number): Promise<void> {
  if ((await countRows(state.store, 'clicks')) >= wanted) return;
  const paths = Array.from({ length: 100 }, clickPathFor(state));
  await withApi(state, 'api', 'api (clicks for ingest)', (api) =>
    runLoad({ url: api.url, seconds: state.smoke ? 1 : 3, paths }),
  );
}

/** More accepted postbacks a second than any machine here has reached (about 10 000), with room. */
const MAX_INGEST_RATE = 30_000;

/** 2. Inbound ingest: distinct accepted conversions, then the same postbacks again (duplicates). */
export async function runIngestPhase(state: RunState): Promise<void> {
  await ensureClicks(state, 1000);
  const clicks = await state.store.db
    .selectFrom('clicks')
    .select(['id', 'advertiser_id'])
    .limit(200_000)
    .execute();
  const before = await countRows(state.store, 'conversions');
  let next = 0;
  /** Postbacks never sent before: as many as a run of `seconds` could send at MAX_INGEST_RATE. */
  const freshPostbacks = (seconds: number) =>
    Array.from({ length: MAX_INGEST_RATE * seconds }, () => {
      const n = next++;
      const c = clicks[n % clicks.length];
      return `/postback?token=${state.seeded.tokens.get(c.advertiser_id)}&click_id=${c.id}&txn_id=t${n}&payout=1.50&status=approved`;
    });
  const sent: string[] = [];
  // The API role catches no rollup up; a worker node would, every few seconds: here the bench does.
  const catchUp = state.rollupCatchUp ? startRollupCatchUp(state.store, pino({ level: 'silent' })) : null;
  await withApi(state, 'api', 'api (ingest)', async (api) => {
    const ingestFor = async (seconds: number) => {
      const paths = freshPostbacks(seconds);
      const run = await runLoad({ url: api.url, seconds, paths, once: true });
      // Sent in order, one per request: the answered ones are the first `requests`.
      sent.push(...paths.slice(0, run.requests));
      return run;
    };
    // Warmed up first, as the click phase is; its conversions count toward the zero-loss check.
    const warm = await ingestFor(state.smoke ? 1 : 2);
    const { result: ingest, cpuUsPerAnswer: cpuUsPerAccepted } = await measuredLoad(
      api,
      () => ingestFor(state.phaseSeconds),
      (run) => run.answers['2xx'],
    );
    const duplicate = await runLoad({ url: api.url, seconds: state.phaseSeconds, paths: sent });
    await catchUp?.stop();
    const stored = (await countRows(state.store, 'conversions')) - before;
    const accepted = warm.answers['2xx'] + ingest.answers['2xx'];
    const rawRate = await measureRawIngest(state.smoke ? 2_000 : 60_000, LOAD_CONNECTIONS, FULL_SIZES);
    state.report.ingest = {
      // Only 2xx answers count: a rejection (429, 4xx) must never pass for throughput.
      acceptedRps: ingest.answers['2xx'] / state.phaseSeconds,
      accepted,
      stored,
      lost: Math.max(0, accepted - stored),
      duplicateRps: duplicate.answers['2xx'] / state.phaseSeconds,
      rawInsertRps: rawRate,
      rawBatch: LOAD_CONNECTIONS,
      ratio: ingest.answers['2xx'] / state.phaseSeconds / rawRate,
      cpuUsPerAccepted,
      errors: [warm, ingest].reduce(
        (n, run) => n + run.answers['4xx'] + run.answers['5xx'] + run.answers.errors,
        0,
      ),
    };
  }).finally(() => catchUp?.stop());
}

/** 3. Outbound: a worker drains every delivery the ingest queued; then a slow (100 ms) receiver. */
export async function runOutboundPhase(state: RunState): Promise<void> {
  const { store, env, receiver } = state;
  const queued = await state.store.db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  const fast = await drainDeliveries(store, env, receiver, Number(queued.n));
  const receiverDistinct = receiver.distinct.size;
  notePeak(state, 'worker (drain)', fast.peakRssMb);
  receiver.delayMs = 100;
  const cap = Number(env.TRACKWIRE_ENDPOINT_INFLIGHT_CAP);
  const slowCount = state.smoke ? 200 : 3_000;
  const slowQueue = await addSlowDeliveries(store, receiver.url, slowCount);
  const slow = await drainDeliveries(store, env, receiver, slowQueue.queued, slowQueue.postbackId);
  notePeak(state, 'worker (slow receiver)', slow.peakRssMb);
  receiver.delayMs = 0;
  const ideal = cap / 0.1;
  state.report.outbound = {
    delivered: fast.delivered,
    deliveriesPerSecond: fast.perSecond,
    receiverDistinct,
    slowPerSecond: slow.perSecond,
    slowIdealPerSecond: ideal,
    slowRatio: slow.perSecond / ideal,
  };
}

/**
 * 4. Memory growth across a soak at a fixed click rate (a quarter of the measured maximum), evenly
 * paced. 1 000 distinct click URLs, prebuilt and cycled: every click is still stored.
 */
export async function runSoakPhase(state: RunState, seconds: number): Promise<void> {
  const rate = Math.max(1, Math.round((state.clickRate ?? 2000) / 4));
  const paths = Array.from({ length: 1_000 }, clickPathFor(state));
  await withApi(state, 'all', 'all (soak)', async (api) => {
    const samples: number[] = [];
    const timer = setInterval(() => samples.push(api.memory().rssMb), 5_000);
    try {
      await runPacedLoad({ url: api.url, rate, seconds, paths });
    } finally {
      clearInterval(timer);
    }
    // The first minute is warm-up (JIT, caches, SQLite page cache): compare the rest.
    const settled = samples.slice(Math.min(12, Math.floor(samples.length / 2)));
    state.report.soak = {
      seconds,
      rate,
      firstMb: settled[0] ?? 0,
      lastMb: settled[settled.length - 1] ?? 0,
      growth: settled.length ? settled[settled.length - 1] / settled[0] - 1 : 0,
    };
  });
}

/**
 * Connections for the scale-out comparison. Every redirect waits for its PostgreSQL commit (a few
 * milliseconds), so the rate is bounded by clicks in flight: with the 32 connections of the other
 * phases, one process and two both top out at 32 per commit time, and the comparison measures the
 * load generator. Enough connections to saturate one process show whether a second one adds
 * capacity.
 */
const SCALE_CONNECTIONS = 256;

/**
 * 5. Scale-out (PostgreSQL only): the click rate of one API process, then of two API processes on
 * the same database loaded at once (each with half the connections), alternated, medians; two must
 * beat one. Both processes start once and are warmed up under load first, as they would be in
 * service: started afresh for every round, the pair paid twice the JIT compilation and cache
 * filling inside its measured seconds.
 */
export async function runScalePhase(state: RunState): Promise<void> {
  const paths = Array.from({ length: 100 }, clickPathFor(state));
  const load = (api: Child, connections: number, seconds = state.phaseSeconds) =>
    runLoad({ url: api.url, seconds, paths, connections });
  const loadTogether = async (apis: Child[], seconds?: number) => {
    const runs = await Promise.all(apis.map((api) => load(api, SCALE_CONNECTIONS / apis.length, seconds)));
    return runs.reduce((sum, run) => sum + run.rps, 0);
  };
  const ones: number[] = [];
  const twos: number[] = [];
  await withApi(state, 'api', 'api (scale)', (a) =>
    withApi(state, 'api', 'api (scale)', async (b) => {
      await loadTogether([a, b], state.smoke ? 1 : 3);
      for (let r = 0; r < state.rounds; r++) {
        ones.push(await loadTogether([a]));
        twos.push(await loadTogether([a, b]));
      }
    }),
  );
  const oneRps = median(ones);
  const twoRps = median(twos);
  state.report.scale = { oneProcessRps: oneRps, twoProcessesRps: twoRps, ratio: twoRps / oneRps };
}
