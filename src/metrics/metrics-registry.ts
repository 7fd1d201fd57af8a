// The Prometheus registry behind GET /metrics: the in-process counts of src/shared/counters.ts
// (read at scrape time, so the hot paths only add), the delivery queue read from the store, and
// prom-client's process metrics (CPU, memory, handles, event-loop lag).
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Db } from '../db/database.types.ts';
import { readDeliveryQueueStats } from '../deliveries/queue-stats.ts';
import type { Clock } from '../shared/clock.ts';
import { CLICK_BACKLOG_PROBE, counters, type LabelledCount, probes } from '../shared/counters.ts';

interface Sample {
  value: number;
  labels?: Record<string, string | number>;
  metricName?: string;
}
type MetricType = 'counter' | 'gauge' | 'histogram';

function metric(name: string, help: string, type: MetricType, get: () => Sample[] | Promise<Sample[]>) {
  return {
    name,
    help,
    type,
    async get() {
      return { name, help, type, values: await get(), aggregator: 'sum' };
    },
  };
}

function byLabel(count: LabelledCount, label: string): Sample[] {
  return [...count.values].map(([value, n]) => ({ value: n, labels: { [label]: value } }));
}

export function createMetricsRegistry(db: Db, clock: Clock): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'trackwire_', eventLoopMonitoringPrecision: 20 });
  const add = (m: ReturnType<typeof metric>) => registry.registerMetric(m as never);
  add(
    metric('trackwire_clicks_total', 'Clicks recorded (redirects sent).', 'counter', () => [
      { value: counters.clicks.total },
    ]),
  );
  add(
    metric(
      'trackwire_inbound_postbacks_total',
      'Inbound postbacks answered, by answer code.',
      'counter',
      () => byLabel(counters.inbound, 'code'),
    ),
  );
  add(
    metric(
      'trackwire_conversions_total',
      'Conversions created or moved, by the status they entered.',
      'counter',
      () => byLabel(counters.conversions, 'status'),
    ),
  );
  add(
    metric(
      'trackwire_deliveries_total',
      'Delivery outcomes, by outcome and kind (scheduled or manual attempt).',
      'counter',
      () =>
        [...counters.deliveries.values].map(([key, n]) => {
          const [outcome, kind] = key.split('|');
          return { value: n, labels: { outcome, kind } };
        }),
    ),
  );
  add(
    metric('trackwire_delivery_attempt_duration_seconds', 'Outbound attempt latency.', 'histogram', () => {
      const h = counters.attemptSeconds;
      let cumulative = 0;
      const name = 'trackwire_delivery_attempt_duration_seconds';
      const buckets = h.bounds.map((le, i) => {
        cumulative += h.counts[i];
        return { value: cumulative, labels: { le }, metricName: `${name}_bucket` };
      });
      return [
        ...buckets,
        { value: h.count, labels: { le: '+Inf' }, metricName: `${name}_bucket` },
        { value: h.sum, metricName: `${name}_sum` },
        { value: h.count, metricName: `${name}_count` },
      ];
    }),
  );
  // One store read per scrape serves the four queue gauges.
  let queue: ReturnType<typeof readDeliveryQueueStats> | undefined;
  const readQueue = () => {
    queue ??= readDeliveryQueueStats(db, clock.now()).finally(() =>
      setImmediate(() => {
        queue = undefined;
      }),
    );
    return queue;
  };
  add(
    metric(
      'trackwire_deliveries_queued',
      'Deliveries waiting, by state (pending, held, in_flight).',
      'gauge',
      async () => {
        const q = await readQueue();
        return [
          { value: q.pending, labels: { state: 'pending' } },
          { value: q.held, labels: { state: 'held' } },
          { value: q.inFlight, labels: { state: 'in_flight' } },
        ];
      },
    ),
  );
  add(
    metric(
      'trackwire_oldest_pending_delivery_age_seconds',
      'Age of the oldest delivery not yet succeeded (0 when none waits).',
      'gauge',
      async () => [{ value: (await readQueue()).oldestPendingAgeMs / 1000 }],
    ),
  );
  add(
    metric(
      'trackwire_click_journal_backlog',
      'Clicks durable in the journal but not yet imported into the database (SQLite).',
      'gauge',
      () => [{ value: probes.get(CLICK_BACKLOG_PROBE)?.() ?? 0 }],
    ),
  );
  return registry;
}

const registries = new WeakMap<object, Registry>();

/** One registry per process context, shared by the API port and the metrics port. */
export function metricsRegistryFor(ctx: { store: { db: Db }; clock: Clock }): Registry {
  let registry = registries.get(ctx);
  if (!registry) {
    registry = createMetricsRegistry(ctx.store.db, ctx.clock);
    registries.set(ctx, registry);
  }
  return registry;
}
