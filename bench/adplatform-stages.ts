// Where an ad-platform delivery's CPU goes, stage by stage, in one process on a SQLite store: claim
// (the fenced UPDATE … RETURNING), prepare (the joined context read), build (events, the request
// body, the answer read back, each delivery's outcome and attempt row) and write (attempt rows,
// endpoint health and the fenced outcome update, one transaction). The sender answers at once as
// Meta would, so nothing waits on a network. CPU time is read rather than wall time, so a busy
// shared machine moves the figures less; beside them, what the statements alone cost per event.
// `node bin/run-ts.js bench/adplatform-stages.ts [--events=50000]`
import pino from 'pino';
import { loadConfig } from '../src/config/config.ts';
import { sqliteHandleOf } from '../src/db/driver-handles.ts';
import { claimDueDeliveries } from '../src/deliveries/delivery.repository.ts';
import { DEFAULT_HEALTH_POLICY } from '../src/deliveries/endpoint-health.ts';
import { CircuitBreaker } from '../src/deliveries/transport/circuit-breaker.ts';
import type { Sender } from '../src/deliveries/transport/outbound.types.ts';
import type { AttemptDeps } from '../src/deliveries/worker/delivery-attempt.ts';
import { writeOutcomes } from '../src/deliveries/worker/delivery-outcomes.ts';
import type { PlatformDeps } from '../src/deliveries/worker/platform-attempt.ts';
import { runPlatformBatch } from '../src/deliveries/worker/platform-attempt.ts';
import { prepareBatch } from '../src/deliveries/worker/prepare-stage.ts';
import { BENCH_SECRET_KEY, queueMetaDeliveries } from './adplatform.ts';
import { openBenchRun, parseArgs } from './lib/bench-run.ts';

const args = parseArgs(process.argv.slice(2));
const events = Number(args.get('events') ?? 50_000);
const BATCH = 1_000;

// Meta's answer to a request of n events: all of them received.
const metaAnswering: Sender = {
  async send(request) {
    const n = (request.body?.match(/"event_name"/g) ?? []).length;
    const body = JSON.stringify({ events_received: n, fbtrace_id: 'AbCdEf0123' });
    return {
      statusCode: 200,
      responseExcerpt: body,
      responseTruncated: false,
      durationMs: 0,
      errorClass: null,
      errorMessage: null,
    };
  },
  async close() {},
};

const { state, close } = await openBenchRun({ smoke: true, phaseSeconds: 1 });
try {
  const postbackId = await queueMetaDeliveries(state, events);
  const db = state.store.db;
  const log = pino({ level: 'info' }, pino.destination('/dev/null'));
  const clock = { now: () => Date.now() };
  const config = loadConfig({ TRACKWIRE_META_API_URL: 'http://127.0.0.1:9' });
  const deps: AttemptDeps = {
    sender: metaAnswering,
    breaker: new CircuitBreaker(),
    clock,
    log,
    userAgent: 'bench',
    retrySchedule: config.retrySchedule,
  };
  const platform: PlatformDeps = {
    endpoints: config,
    sender: metaAnswering,
    secretKey: BENCH_SECRET_KEY,
    timeoutMs: 5_000,
  };

  // What each statement costs SQLite itself, timed around better-sqlite3's calls.
  const statementMicros = new Map<string, number>();
  const sqlite = sqliteHandleOf(state.store);
  const statementProto = Object.getPrototypeOf(sqlite.prepare('select 1'));
  for (const method of ['all', 'run', 'get'] as const) {
    const original = statementProto[method];
    statementProto[method] = function (this: { source: string }, ...values: unknown[]) {
      const started = process.hrtime.bigint();
      try {
        return original.apply(this, values);
      } finally {
        const key = this.source.replace(/\s+/g, ' ').slice(0, 60);
        statementMicros.set(
          key,
          (statementMicros.get(key) ?? 0) + Number(process.hrtime.bigint() - started) / 1000,
        );
      }
    };
  }

  const stages = { claim: 0, prepare: 0, build: 0, write: 0 };
  const timed = async <T>(stage: keyof typeof stages, work: () => Promise<T>): Promise<T> => {
    const before = process.cpuUsage();
    const result = await work();
    const spent = process.cpuUsage(before);
    stages[stage] += spent.user + spent.system;
    return result;
  };
  let done = 0;
  for (let round = 0; ; round++) {
    const claimId = `bench-${round}`;
    const rows = await timed('claim', () =>
      claimDueDeliveries(db, {
        lock: state.store.claimLock,
        now: Date.now(),
        limit: BATCH,
        claimId,
        leaseMs: 60_000,
        onlyEndpoints: [postbackId],
      }),
    );
    if (rows.length === 0) break;
    const prepared = await timed('prepare', () => prepareBatch(db, rows, claimId));
    const outcomes = await timed('build', () => runPlatformBatch(deps, platform, prepared));
    await timed('write', () => writeOutcomes(db, outcomes, Date.now(), DEFAULT_HEALTH_POLICY, log));
    done += rows.length;
  }
  const perEvent = (micros: number) => (micros / done).toFixed(1).padStart(6);
  console.log(`${done} Meta deliveries in batches of ${BATCH}; CPU per event (µs, user + system):`);
  let total = 0;
  for (const [stage, micros] of Object.entries(stages)) {
    total += micros;
    console.log(`  ${stage.padEnd(8)} ${perEvent(micros)}`);
  }
  console.log(`  ${'total'.padEnd(8)} ${perEvent(total)}`);
  console.log('SQLite statements alone, per event (µs):');
  for (const [statement, micros] of [...statementMicros].sort((a, b) => b[1] - a[1]).slice(0, 8))
    console.log(`  ${perEvent(micros)}  ${statement}`);
} finally {
  await close();
}
