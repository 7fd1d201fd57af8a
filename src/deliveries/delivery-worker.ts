// The delivery worker: claims due deliveries (up to its free concurrency), runs their attempts, and
// writes the outcomes in small batched transactions. Wakes on in-process notices, on PostgreSQL
// NOTIFY, at the earliest known due time, and by polling as a fallback.
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../http/context.ts';
import { type DeliveryContext, loadDeliveryContexts } from '../postbacks/delivery-request.ts';
import {
  claimDueDeliveries,
  countUnfinishedDeliveries,
  findNextDueAt,
  renewLease,
  sweepExpiredLeases,
} from './delivery.repository.ts';
import type { DeliveryRow } from './delivery.table.ts';
import { type AttemptDeps, runDeliveryAttempt } from './delivery-attempt.ts';
import { type DeliveryOutcome, writeOutcomes } from './delivery-outcomes.ts';
import { DEFAULT_HEALTH_POLICY, type HealthPolicy } from './endpoint-health.ts';
import { listenForQueuedDeliveries, type QueueListener } from './queue-listener.ts';
import { type BreakerOptions, CircuitBreaker, InflightLimiter } from './transport/circuit-breaker.ts';
import { createSender } from './transport/http-sender.ts';
import type { Sender } from './transport/outbound.types.ts';

export const USER_AGENT = 'Trackwire/0.1 (postback delivery)';

export interface WorkerOptions {
  concurrency: number;
  endpointInflightCap: number;
  pollMs: number;
  leaseMs: number;
  retrySchedule: readonly number[];
  jitter?: number;
  minDelayAfterThrottleMs?: number;
  /** Outcomes are written together at most this long after the first of them arrives. */
  flushIntervalMs: number;
  /** Outcomes written in one transaction at most. */
  flushMax: number;
  capDeferMs: number;
  health: HealthPolicy;
  breaker: Partial<BreakerOptions>;
  userAgent: string;
  /** A ready sender (tests); otherwise one is created from the config and closed on stop. */
  sender?: Sender;
}

export interface DeliveryWorker {
  /** Stops claiming, waits for in-flight attempts and their writes, then resolves. */
  stop(): Promise<void>;
  /** Resolves once no delivery is pending or in flight (tests and benchmarks). */
  drained(): Promise<void>;
}

const MIN_IDLE_MS = 5;
interface Queued {
  delivery: DeliveryRow;
  claimId: string;
  context: DeliveryContext | undefined;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function startDeliveryWorker(ctx: AppContext, options: Partial<WorkerOptions> = {}): DeliveryWorker {
  const { config, store, clock } = ctx;
  const log = ctx.log.child({ component: 'delivery-worker' });
  const o: WorkerOptions = {
    concurrency: config.workerConcurrency,
    endpointInflightCap: config.endpointInflightCap,
    pollMs: config.workerPollMs,
    leaseMs: config.leaseMs,
    retrySchedule: config.retrySchedule,
    flushIntervalMs: 5,
    flushMax: 500,
    capDeferMs: 50,
    health: DEFAULT_HEALTH_POLICY,
    breaker: {},
    userAgent: USER_AGENT,
    ...options,
  };
  const sender =
    o.sender ??
    createSender({
      allowPrivateTargets: config.allowPrivateTargets,
      allowedTargets: config.allowedTargets,
      userAgent: o.userAgent,
      // As many keep-alive connections as the endpoint may have attempts in flight.
      connectionsPerOrigin: o.endpointInflightCap,
    });
  const deps: AttemptDeps = {
    sender,
    breaker: new CircuitBreaker(o.breaker),
    limiter: new InflightLimiter(o.endpointInflightCap),
    clock,
    log,
    userAgent: o.userAgent,
    retrySchedule: o.retrySchedule,
    jitter: o.jitter,
    minDelayAfterThrottleMs: o.minDelayAfterThrottleMs,
    capDeferMs: o.capDeferMs,
  };

  let stopping = false;
  /** Claimed deliveries whose outcome is not yet written: they hold a concurrency slot. */
  let active = 0;
  let buffer: DeliveryOutcome[] = [];
  let flushTimer: NodeJS.Timeout | undefined;
  let flushChain: Promise<void> = Promise.resolve();
  const running = new Set<Promise<void>>();

  let woken = false;
  let wakeSleeper: (() => void) | undefined;
  const wake = () => {
    woken = true;
    wakeSleeper?.();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeSleeper = undefined;
        resolve();
      }
      wakeSleeper = done;
    });

  async function flush(): Promise<void> {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    const batch = buffer;
    buffer = [];
    if (batch.length === 0) return;
    try {
      const written = await writeOutcomes(store.db, batch, clock.now(), o.health, log);
      const lost = written.filter((w) => !w.owned).length;
      if (lost > 0)
        log.warn({ lost }, 'claims expired before their outcome was written; the new owners decide');
    } catch (err) {
      // Rows stay in_flight; their leases expire and they are sent again (at-least-once).
      log.error({ err }, 'could not write delivery outcomes; leases will return them');
    } finally {
      active -= batch.length;
      wake();
    }
  }
  const queueFlush = () => {
    flushChain = flushChain.then(flush);
    return flushChain;
  };
  function addOutcome(outcome: DeliveryOutcome): void {
    held.delete(outcome.delivery.id);
    buffer.push(outcome);
    if (buffer.length >= o.flushMax) void queueFlush();
    else if (!flushTimer) flushTimer = setTimeout(queueFlush, o.flushIntervalMs);
  }

  async function dispatch(rows: DeliveryRow[], claimId: string): Promise<void> {
    const claimedAt = clock.now();
    for (const row of rows) held.set(row.id, { claimId, renewedAt: claimedAt });
    let contexts: Awaited<ReturnType<typeof loadDeliveryContexts>>;
    try {
      contexts = await loadDeliveryContexts(
        store.db,
        rows.map((r) => r.id),
      );
    } catch (err) {
      log.error({ err }, 'could not load delivery contexts; deferring the batch');
      const nextRunAt = clock.now() + o.pollMs;
      for (const delivery of rows) addOutcome({ kind: 'deferred', delivery, claimId, nextRunAt });
      return;
    }
    for (const delivery of rows) schedule({ delivery, claimId, context: contexts.get(delivery.id) });
  }

  // A delivery whose endpoint is at its in-flight cap waits here for one wave (so its wait stays
  // within one attempt deadline, well inside the lease); beyond that it is deferred in the store.
  const waiting = new Map<string, Queued[]>();
  function schedule(item: Queued): void {
    const key = String(item.delivery.postback_id);
    if (deps.limiter.inflight(key) >= o.endpointInflightCap) {
      const queue = waiting.get(key) ?? [];
      if (queue.length < o.endpointInflightCap) {
        queue.push(item);
        waiting.set(key, queue);
        return;
      }
    }
    start(item);
  }
  function startNextWaiting(key: string): void {
    const queue = waiting.get(key);
    const next = queue?.shift();
    if (queue?.length === 0) waiting.delete(key);
    if (next) start(next);
  }
  function start(item: Queued): void {
    const { delivery, claimId } = item;
    const task = runDeliveryAttempt(deps, { delivery, claimId }, item.context)
      .catch((err): DeliveryOutcome => {
        log.error({ err, deliveryId: delivery.id }, 'delivery attempt crashed; deferring');
        return { kind: 'deferred', delivery, claimId, nextRunAt: clock.now() + o.pollMs };
      })
      .then((outcome) => {
        addOutcome(outcome);
        startNextWaiting(String(delivery.postback_id));
      });
    running.add(task);
    void task.finally(() => running.delete(task));
  }

  async function tick(lastSweep: number): Promise<number> {
    const now = clock.now();
    if (now - lastSweep >= o.pollMs || now < lastSweep) {
      const swept = await sweepExpiredLeases(store.db, now);
      if (swept > 0) log.warn({ swept }, 'expired delivery leases returned to pending');
      lastSweep = now;
    }
    const free = o.concurrency - active;
    if (free <= 0) {
      await sleep(o.pollMs);
      return lastSweep;
    }
    const claimId = randomUUID();
    const rows = await claimDueDeliveries(store.db, {
      capabilities: store.capabilities,
      now,
      limit: free,
      claimId,
      leaseMs: o.leaseMs,
    });
    if (rows.length > 0) {
      active += rows.length;
      await dispatch(rows, claimId);
      if (rows.length === free) return lastSweep;
    }
    if (woken) return lastSweep;
    const nextDue = await findNextDueAt(store.db);
    const untilDue = nextDue === undefined ? o.pollMs : nextDue - clock.now();
    await sleep(Math.max(MIN_IDLE_MS, Math.min(o.pollMs, untilDue)));
    return lastSweep;
  }

  async function loop(): Promise<void> {
    let lastSweep = Number.NEGATIVE_INFINITY;
    while (!stopping) {
      woken = false;
      try {
        lastSweep = await tick(lastSweep);
      } catch (err) {
        log.error({ err }, 'delivery worker loop failed; retrying after the poll interval');
        await sleep(o.pollMs);
      }
    }
  }

  // Claims this process holds. A slow attempt renews its lease so the sweeper (here or on another
  // node) never hands a delivery that is still being sent to a second sender.
  const held = new Map<string, { claimId: string; renewedAt: number }>();
  const renewEvery = Math.max(50, Math.floor(o.leaseMs / 3));
  async function renewLeases(): Promise<void> {
    const now = clock.now();
    for (const [id, claim] of held) {
      if (now - claim.renewedAt < renewEvery) continue;
      claim.renewedAt = now;
      if (!(await renewLease(store.db, id, claim.claimId, now + o.leaseMs, now))) {
        log.warn({ deliveryId: id }, 'lost the claim of a delivery still in flight');
      }
    }
  }
  const renewTimer = setInterval(() => {
    renewLeases().catch((err) => log.error({ err }, 'could not renew delivery leases'));
  }, renewEvery);
  renewTimer.unref();

  const unsubscribe = ctx.onDeliveriesQueued(wake);
  const listener: QueueListener | undefined =
    store.capabilities.listenNotify && store.postgresUrl
      ? listenForQueuedDeliveries(store.postgresUrl, wake, log)
      : undefined;
  const looping = loop();
  log.info({ concurrency: o.concurrency, store: store.capabilities.dialect }, 'delivery worker started');

  return {
    async stop() {
      stopping = true;
      wake();
      await looping;
      unsubscribe();
      while (running.size > 0) await Promise.all([...running]);
      await queueFlush();
      clearInterval(renewTimer);
      await listener?.close();
      if (!o.sender) await sender.close();
      log.info('delivery worker stopped');
    },
    async drained() {
      for (;;) {
        if (active === 0 && buffer.length === 0 && (await countUnfinishedDeliveries(store.db)) === 0) return;
        await delay(10);
      }
    },
  };
}
