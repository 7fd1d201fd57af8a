// The ad-platform phase: N approved conversions with fbclids, forwarded by a worker process to the
// Meta fake answering 50 ms after each request arrives (its own validation inside those 50 ms).
// Events/s from the first request's arrival at the fake to the last delivery's recorded completion,
// and the ratio to the ideal the batch size and the per-destination requests in flight allow
// (batch × requests / latency). Beside it, what bounds the rate when it falls short: the worker's
// CPU time per event and how busy it kept its core, the round trip the worker measured per request,
// and the fake's own time per request. `npm run bench -- --only=adplatform` (50 000; `--smoke` 2 000).

import { CONVERSION_ID_PREFIX } from '../src/conversions/conversion.table.ts';
import { newDeliveryRow } from '../src/deliveries/outbox/enqueue-deliveries.ts';
import { sealCredentials } from '../src/integrations/credential-box.ts';
import { META_BATCH_MAX } from '../src/integrations/meta/meta-capi.ts';
import { newId } from '../src/shared/ids.ts';
import { startMetaFake } from '../test/support/fakes/meta-fake.ts';
import { clickRow, conversionRow, postbackRow } from '../test/support/rows.ts';
import type { RunState } from './lib/phases.ts';
import { startTrackwire } from './lib/processes.ts';
import type { Report } from './lib/report.ts';

export const BENCH_SECRET_KEY = 'bench-secret-key-0123456789abcdef-0123456789';
const PIXEL = '1234567890123456';
const TOKEN = 'EAAB-bench-token';
const LATENCY_MS = 50;
const REQUESTS_IN_FLIGHT = 4;

export interface AdPlatformResult {
  events: number;
  eventsPerSecond: number;
  idealPerSecond: number;
  ratio: number;
  batch: number;
  requestsInFlight: number;
  requests: number;
  peakRssMb: number;
  /** The worker's CPU time per event forwarded (µs, all its threads), and per second of the run (cores). */
  workerCpuUsPerEvent: number;
  workerBusyCores: number;
  /** Median round trip of a batch request as the worker measured it (ms). */
  roundTripMs: number;
  /** Median time the fake spent reading and validating a request, inside its latency (ms). */
  fakeHandlingMs: number;
}

const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function insertChunks<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await insert(rows.slice(i, i + 500));
}

/** Queues `count` approved conversions of fbclid clicks, each owing one delivery to a new Meta destination. */
export async function queueMetaDeliveries(state: RunState, count: number): Promise<number> {
  const db = state.store.db;
  const link = await db.selectFrom('links').selectAll().orderBy('id').limit(1).executeTakeFirstOrThrow();
  const now = Date.now();
  const postback = await db
    .insertInto('postbacks')
    .values(
      postbackRow({
        publisher_id: link.publisher_id,
        url: '',
        kind: 'meta_capi',
        destination: JSON.stringify({ pixelId: PIXEL }),
        credentials: sealCredentials(BENCH_SECRET_KEY, { accessToken: TOKEN }),
        credential_hints: '{}',
        event_map: JSON.stringify([{ status: 'approved', event: 'Purchase' }]),
        statuses: JSON.stringify(['approved']),
      }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  const keys = {
    link_id: link.id,
    offer_id: link.offer_id,
    publisher_id: link.publisher_id,
    advertiser_id: 0,
  };
  const offer = await db
    .selectFrom('offers')
    .select('advertiser_id')
    .where('id', '=', link.offer_id)
    .executeTakeFirstOrThrow();
  keys.advertiser_id = offer.advertiser_id;
  const clicks = Array.from({ length: count }, (_, i) =>
    clickRow({
      ...keys,
      fbclid: `IwAR-bench_${i}`,
      ip: '203.0.113.7',
      user_agent: 'Mozilla/5.0',
      created_at: now - 60_000,
    }),
  );
  await insertChunks(clicks, (chunk) => db.insertInto('clicks').values(chunk).execute());
  // Clicks a minute old are in the report rollup already (it is caught up every few seconds):
  // rolling 50 000 up at once is the click path's work, not the deliveries'.
  while ((await state.store.clicks.catchUpRollup()) > 0) {}
  const conversions = clicks.map((c) =>
    conversionRow({
      ...keys,
      id: newId(now, CONVERSION_ID_PREFIX),
      click_id: c.id,
      payout: 10,
      created_at: now,
    }),
  );
  await insertChunks(conversions, (chunk) => db.insertInto('conversions').values(chunk).execute());
  const deliveries = [];
  for (let i = 0; i < conversions.length; i += 500) {
    const events = await db
      .insertInto('conversion_events')
      .values(
        conversions.slice(i, i + 500).map((c) => ({
          conversion_id: c.id,
          from_status: null,
          to_status: 'approved' as const,
          status_raw: null,
          payout: 10,
          source: 'postback' as const,
          reason: null,
          postback_log_id: null,
          actor: null,
          created_at: now,
        })),
      )
      .returning(['id', 'conversion_id'])
      .execute();
    for (const e of events)
      deliveries.push(
        newDeliveryRow(
          e.id,
          postback.id,
          { id: e.conversion_id, publisher_id: link.publisher_id },
          'pending',
          now,
        ),
      );
  }
  await insertChunks(deliveries, (chunk) => db.insertInto('deliveries').values(chunk).execute());
  return postback.id;
}

async function countSucceeded(state: RunState, postbackId: number, since: number): Promise<number> {
  const row = await state.store.db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('postback_id', '=', postbackId)
    .where('status', '=', 'succeeded')
    .where('completed_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function runAdPlatformPhase(state: RunState, asked = 0): Promise<AdPlatformResult> {
  const count = asked > 0 ? asked : state.smoke ? 2_000 : 50_000;
  const meta = await startMetaFake({ pixelId: PIXEL, accessToken: TOKEN });
  meta.latencyMs = LATENCY_MS;
  try {
    const postbackId = await queueMetaDeliveries(state, count);
    const batch = META_BATCH_MAX;
    const since = Date.now();
    const worker = await startTrackwire(
      {
        ...state.env,
        TRACKWIRE_SECRET_KEY: BENCH_SECRET_KEY,
        TRACKWIRE_META_API_URL: meta.url,
        TRACKWIRE_PLATFORM_INFLIGHT_REQUESTS: String(REQUESTS_IN_FLIGHT),
      },
      'worker',
    );
    const cpuBefore = worker.cpuMs();
    const deadline = Date.now() + 300_000;
    // Watch the fake's count in memory: polling the store would stall the fake's event loop.
    while (meta.events.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const peakRssMb = worker.memory().peakMb;
    // Outcomes are written shortly after the fake counted the last events: wait for the last of them
    // (after the fake's last answers left, so this query does not hold them back).
    await new Promise((r) => setTimeout(r, 2 * LATENCY_MS));
    while (Date.now() < deadline && (await countSucceeded(state, postbackId, since)) < count)
      await new Promise((r) => setTimeout(r, 50));
    const cpuMs = worker.cpuMs() - cpuBefore;
    await worker.stop();
    const done = await state.store.db
      .selectFrom('deliveries')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.min('completed_at').as('first'),
        eb.fn.max('completed_at').as('last'),
      ])
      .where('postback_id', '=', postbackId)
      .where('status', '=', 'succeeded')
      .where('completed_at', '>=', since)
      .executeTakeFirstOrThrow();
    // From the first request's arrival: a claim that holds back the first request costs the rate too.
    const seconds = (Number(done.last) - (meta.arrivals[0] ?? Number(done.first))) / 1000;
    const eventsPerSecond = seconds > 0 ? Number(done.n) / seconds : 0;
    const trips = await state.store.db
      .selectFrom('delivery_attempts')
      .select('duration_ms')
      .where('postback_id', '=', postbackId)
      .execute();
    const idealPerSecond = (batch * REQUESTS_IN_FLIGHT) / (LATENCY_MS / 1000);
    const result: AdPlatformResult = {
      events: Number(done.n),
      eventsPerSecond,
      idealPerSecond,
      ratio: eventsPerSecond / idealPerSecond,
      batch,
      requestsInFlight: REQUESTS_IN_FLIGHT,
      requests: meta.requests,
      peakRssMb,
      workerCpuUsPerEvent: (cpuMs * 1000) / Math.max(1, Number(done.n)),
      workerBusyCores: seconds > 0 ? cpuMs / 1000 / seconds : 0,
      roundTripMs: medianOf(trips.map((t) => Number(t.duration_ms))),
      fakeHandlingMs: medianOf(meta.handlingMs),
    };
    (state.report as Report & { adplatform?: AdPlatformResult }).adplatform = result;
    const t0 = meta.arrivals[0] ?? 0;
    console.log(`requests arrived at (ms after the first): ${meta.arrivals.map((t) => t - t0).join(', ')}`);
    state.peakRssMb = Math.max(state.peakRssMb, peakRssMb);
    console.log(
      `ad platform (Meta fake, ${LATENCY_MS} ms): ${result.events} events in ${result.requests} requests, ` +
        `${Math.round(eventsPerSecond)} events/s = ${(100 * result.ratio).toFixed(1)} % of the ideal ${idealPerSecond}/s ` +
        `(batch ${batch} × ${REQUESTS_IN_FLIGHT} requests in flight / ${LATENCY_MS} ms); worker peak RSS ${Math.round(peakRssMb)} MB`,
    );
    console.log(
      `  worker CPU ${Math.round(result.workerCpuUsPerEvent)} µs/event, ${result.workerBusyCores.toFixed(2)} cores busy; ` +
        `round trip per request ${Math.round(result.roundTripMs)} ms (median, as the worker measured it); ` +
        `the fake's own reading and validation ${result.fakeHandlingMs.toFixed(1)} ms per request (inside its ${LATENCY_MS} ms)`,
    );
    return result;
  } finally {
    await meta.close();
  }
}
