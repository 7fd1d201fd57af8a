// The delivery worker: claims due deliveries (up to its free concurrency), runs their attempts, and
// writes the outcomes in small batched transactions. Wakes on in-process notices, on PostgreSQL
// NOTIFY, at the earliest known due time, and by polling as a fallback.
//
// A delivery passes through named stages, each in its own file:
//   claim (claim-stage.ts) → prepare (prepare-stage.ts) → wait for an endpoint slot
//   (endpoint-queue.ts) → send (delivery-attempt.ts) → record outcome (outcome-writer.ts),
// while the lease keeper (lease-keeper.ts) renews the claims of attempts still running.
import { logStoreFailure } from '../../db/store-unavailable.ts';
import type { AppContext } from '../../server/app-context.ts';
import { probes, WORKER_LAST_ROUND_PROBE } from '../../shared/counters.ts';
import { countUnfinishedDeliveries, findNextDueAt, sweepExpiredLeases } from '../delivery.repository.ts';
import type { DeliveryRow } from '../delivery.table.ts';
import { isFullContext } from '../prepare/delivery-context.repository.ts';
import { CircuitBreaker } from '../transport/circuit-breaker.ts';
import { createSender } from '../transport/http-sender.ts';
import { claimBatch } from './claim-stage.ts';
import { type AttemptDeps, attemptLogger, runDeliveryAttempt } from './delivery-attempt.ts';
import type { DeliveryOutcome } from './delivery-outcomes.ts';
import { type EndpointLimits, EndpointQueues, type QueuedDelivery } from './endpoint-queue.ts';
import { LeaseKeeper } from './lease-keeper.ts';
import { OutcomeWriter } from './outcome-writer.ts';
import { batchMaxOf, createPlatformDeps, type PlatformDeps, runPlatformBatch } from './platform-attempt.ts';
import { prepareBatch } from './prepare-stage.ts';
import { claimSizes, MIN_IDLE_MS, type WorkerOptions, workerOptions } from './worker-options.ts';

export type { WorkerOptions } from './worker-options.ts';

/** What the worker's loop is doing. */
export const WORKER_MODES = {
  claiming: 'taking due deliveries while it has free slots and the store has more',
  idle: 'waiting for a wake-up (new work, room at an endpoint, a written outcome), the next due time or the poll',
  stopping: 'no new claims; waiting deliveries go back unsent, attempts in flight finish and are written',
  stopped: 'nothing running',
} as const;
export type WorkerMode = keyof typeof WORKER_MODES;

export interface DeliveryWorker {
  /** Stops claiming, waits for in-flight attempts and their writes, then resolves. */
  stop(): Promise<void>;
  /** Resolves once no delivery is pending or in flight (tests and benchmarks). */
  drained(): Promise<void>;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function startDeliveryWorker(ctx: AppContext, options: Partial<WorkerOptions> = {}): DeliveryWorker {
  const { config, store, clock } = ctx;
  const log = ctx.log.child({ component: 'delivery-worker' });
  const o = workerOptions(config, options);
  const sizes = claimSizes(o);
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
    clock,
    log,
    attemptLog: attemptLogger(log),
    userAgent: o.userAgent,
    retrySchedule: o.retrySchedule,
    jitter: o.jitter,
    minDelayAfterThrottleMs: o.minDelayAfterThrottleMs,
  };

  const platform: PlatformDeps = createPlatformDeps(config, o.userAgent);
  if (o.platformSender) platform.sender = o.platformSender;

  let mode: WorkerMode = 'idle';
  /** Moves the loop between claiming and idle; a stopping worker stays stopping. */
  const enter = (next: 'claiming' | 'idle') => {
    if (mode === 'claiming' || mode === 'idle') mode = next;
  };
  /** Claimed deliveries whose attempt has not finished (being prepared, waiting for a slot, sending). */
  let sending = 0;
  /** Finished attempts whose outcome is not yet written. */
  let unwritten = 0;
  /**
   * Claimed ad-platform deliveries not yet written. They take no per-delivery slot: they are bounded
   * by each endpoint's two waves of full batches and, over all endpoints, by the platform budget.
   */
  const platformHeld = new Set<string>();
  const running = new Set<Promise<void>>();

  // The last claim found less than it asked for: claiming again before something changes (new
  // work queued, an endpoint with room again, the poll interval) would only find nothing again.
  let exhausted = false;
  let claimHint = false;
  // Likewise for ad-platform endpoints alone: with none of their rows due, their claim would walk
  // every other endpoint's due rows on each round, so it waits for new work, room, a sweep or the poll.
  let platformExhausted = false;
  let platformHint = false;
  let finishedSinceClaim = 0;

  let woken = false;
  let wakeSleeper: (() => void) | undefined;
  const wake = () => {
    woken = true;
    wakeSleeper?.();
  };
  const hint = () => {
    claimHint = true;
    wake();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken) return resolve();
      const timer = setTimeout(() => {
        claimHint = true;
        platformHint = true;
        done();
      }, ms);
      function done() {
        clearTimeout(timer);
        wakeSleeper = undefined;
        resolve();
      }
      wakeSleeper = done;
    });
  // A slot frees when its outcome is written, not when the answer arrives: the next claim then sees
  // what the last answers decided (an endpoint disabled by a 410 has its pending work held).
  const freeSlots = () => o.concurrency - (sending + unwritten - platformHeld.size);

  const leases = new LeaseKeeper(store.db, clock, o.leaseMs, log);
  const outcomes = new OutcomeWriter({
    db: store.db,
    clock,
    health: o.health,
    log,
    leases,
    flushIntervalMs: o.flushIntervalMs,
    flushMax: o.flushMax,
    onBatchDone(batch) {
      unwritten -= batch.length;
      for (const outcome of batch) platformHeld.delete(outcome.delivery.id);
      if (!exhausted || finishedSinceClaim >= sizes.minEndpointRoom) hint();
    },
  });
  const queues = new EndpointQueues(sizes, send, {
    maxOf: (item) => batchMaxOf(item.context),
    requestCap: config.platformInflightRequests,
  });

  function send(items: QueuedDelivery[]): void {
    if (items.length > 1 || batchMaxOf(items[0].context) > 1) {
      sendBatch(items);
      return;
    }
    const item = items[0];
    const { delivery, claimId } = item;
    // Only ad-platform deliveries get a narrow context, and those took the batch path above.
    const context = item.context && isFullContext(item.context) ? item.context : undefined;
    const task = runDeliveryAttempt(deps, { delivery, claimId }, context)
      .catch((err): DeliveryOutcome => {
        log.error({ err, deliveryId: delivery.id }, 'delivery attempt crashed; deferring');
        return { kind: 'deferred', delivery, claimId, nextRunAt: clock.now() + o.pollMs };
      })
      .then((outcome) => finish(delivery, outcome, true));
    running.add(task);
    void task.finally(() => running.delete(task));
  }

  function sendBatch(items: QueuedDelivery[]): void {
    const task = runPlatformBatch(deps, platform, items)
      .catch((err): DeliveryOutcome[] => {
        log.error({ err, postbackId: items[0].delivery.postback_id }, 'ad-platform batch crashed; deferring');
        return items.map(({ delivery, claimId }) => ({
          kind: 'deferred',
          delivery,
          claimId,
          nextRunAt: clock.now() + o.pollMs,
        }));
      })
      .then((done) => {
        done.forEach((outcome, i) => {
          finish(outcome.delivery, outcome, true, i === done.length - 1);
        });
      });
    running.add(task);
    void task.finally(() => running.delete(task));
  }

  function finish(
    delivery: DeliveryRow,
    outcome: DeliveryOutcome,
    started: boolean,
    releasesSlot = started,
  ): void {
    sending -= 1;
    unwritten += 1;
    outcomes.add(outcome);
    const roomOpened = queues.finished(delivery.postback_id, started, releasesSlot);
    finishedSinceClaim += 1;
    // An endpoint that was too busy to claim for has room again: its pending rows are claimable.
    if (roomOpened) platformHint = true;
    if (exhausted && roomOpened) hint();
  }

  function deferUnsent(items: Array<{ delivery: DeliveryRow; claimId: string }>, nextRunAt: number): void {
    for (const { delivery, claimId } of items)
      finish(delivery, { kind: 'deferred', delivery, claimId, nextRunAt }, false);
  }

  async function claim(free: number, platformFree: number, limits: EndpointLimits): Promise<void> {
    const batch = await claimBatch(store.db, store.claimLock, {
      now: clock.now(),
      free,
      platformFree,
      leaseMs: o.leaseMs,
      sizes,
      limits,
    });
    exhausted = batch.exhausted;
    if (batch.platformExhausted !== undefined) {
      platformExhausted = batch.platformExhausted;
      platformHint = false;
    }
    claimHint = false;
    finishedSinceClaim = 0;
    const rows = batch.rows.filter((row, i) => {
      if (leases.adopt(row, batch.claimId)) return false;
      if (i < batch.platformCount) platformHeld.add(row.id);
      return true;
    });
    if (rows.length === 0) return;
    sending += rows.length;
    queues.claimed(rows);
    leases.hold(rows, batch.claimId);
    let prepared: QueuedDelivery[];
    try {
      prepared = await prepareBatch(store.db, rows, batch.claimId);
    } catch (err) {
      log.error({ err }, 'could not load delivery contexts; deferring the batch');
      deferUnsent(
        rows.map((delivery) => ({ delivery, claimId: batch.claimId })),
        clock.now() + o.pollMs,
      );
      return;
    }
    queues.enqueue(prepared);
  }

  async function tick(lastSweep: number): Promise<number> {
    const now = clock.now();
    if (now - lastSweep >= o.pollMs || now < lastSweep) {
      const swept = await sweepExpiredLeases(store.db, now);
      if (swept > 0) {
        log.warn({ swept }, 'expired delivery leases returned to pending');
        claimHint = true;
      }
      // Platform retries come due with time, also while URL work keeps the loop from sleeping.
      platformHint = true;
      lastSweep = now;
    }
    const free = freeSlots();
    const limits = queues.limits();
    const platformWanted = limits.platformRoom.size > 0 && (!platformExhausted || platformHint);
    const platformFree = platformWanted ? queues.platformBudget() - platformHeld.size : 0;
    const urlWorthIt = free >= sizes.minClaim || (free > 0 && sending === 0);
    const worthIt = urlWorthIt || platformFree > 0;
    if (worthIt && (!exhausted || claimHint)) {
      enter('claiming');
      await claim(urlWorthIt ? free : 0, platformFree, limits);
      if (!exhausted || woken) return lastSweep;
      enter('idle');
      const nextDue = await findNextDueAt(store.db, queues.limits().skip);
      const untilDue = nextDue === undefined ? o.pollMs : nextDue - clock.now();
      await sleep(Math.max(MIN_IDLE_MS, Math.min(o.pollMs, untilDue)));
      return lastSweep;
    }
    enter('idle');
    if (!woken) await sleep(o.pollMs);
    return lastSweep;
  }

  // /readyz reads when the loop last got through a round (wall time: it is about this process).
  let lastRoundAt = Date.now();
  const lastRound = () => lastRoundAt;
  probes.set(WORKER_LAST_ROUND_PROBE, lastRound);

  async function loop(): Promise<void> {
    let lastSweep = Number.NEGATIVE_INFINITY;
    while (mode !== 'stopping') {
      woken = false;
      try {
        lastSweep = await tick(lastSweep);
        lastRoundAt = Date.now();
      } catch (err) {
        logStoreFailure(log, err, 'delivery worker loop failed; retrying after the poll interval');
        await sleep(o.pollMs);
      }
    }
  }

  const newWork = () => {
    platformHint = true;
    hint();
  };
  const unsubscribe = ctx.onDeliveriesQueued(newWork);
  const listener = store.notifications.listenForDeliveries(newWork, log);
  const looping = loop();
  log.info({ concurrency: o.concurrency, store: store.capabilities.dialect }, 'delivery worker started');

  return {
    async stop() {
      mode = 'stopping';
      wake();
      await looping;
      unsubscribe();
      deferUnsent(queues.takeWaiting(), clock.now());
      while (running.size > 0) await Promise.all([...running]);
      await outcomes.flush();
      leases.stop();
      await listener.close();
      if (!o.sender) await sender.close();
      if (!o.platformSender) await platform.sender.close();
      mode = 'stopped';
      if (probes.get(WORKER_LAST_ROUND_PROBE) === lastRound) probes.delete(WORKER_LAST_ROUND_PROBE);
      log.info('delivery worker stopped');
    },
    async drained() {
      for (;;) {
        const idle = sending === 0 && unwritten === 0 && outcomes.buffered === 0;
        if (idle && (await countUnfinishedDeliveries(store.db)) === 0) return;
        await delay(10);
      }
    },
  };
}
