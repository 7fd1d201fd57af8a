// The delivery worker: claims due deliveries (up to its free concurrency), runs their attempts, and
// writes the outcomes in small batched transactions. Wakes on in-process notices, on PostgreSQL
// NOTIFY, at the earliest known due time, and by polling as a fallback.
import { randomUUID } from 'node:crypto';
import { logStoreFailure } from '../db/store-unavailable.ts';
import type { AppContext } from '../http/context.ts';
import { type DeliveryContext, loadDeliveryContexts } from '../postbacks/delivery-request.ts';
import { TRACKWIRE_USER_AGENT } from '../postbacks/user-agent.ts';
import {
  claimDueDeliveries,
  countUnfinishedDeliveries,
  findNextDueAt,
  renewLease,
  sweepExpiredLeases,
} from './delivery.repository.ts';
import type { DeliveryRow } from './delivery.table.ts';
import { type AttemptDeps, attemptLogger, runDeliveryAttempt } from './delivery-attempt.ts';
import { type DeliveryOutcome, writeOutcomes } from './delivery-outcomes.ts';
import { DEFAULT_HEALTH_POLICY, type HealthPolicy } from './endpoint-health.ts';
import { listenForQueuedDeliveries, type QueueListener } from './queue-listener.ts';
import { type BreakerOptions, CircuitBreaker, InflightLimiter } from './transport/circuit-breaker.ts';
import { createSender } from './transport/http-sender.ts';
import type { Sender } from './transport/outbound.types.ts';

export interface WorkerOptions {
  concurrency: number;
  endpointInflightCap: number;
  pollMs: number;
  leaseMs: number;
  retrySchedule: readonly number[];
  jitter?: number;
  minDelayAfterThrottleMs?: number;
  /**
   * Outcomes are written together at most this long after the first of them arrives. Each write is
   * a synchronous transaction on SQLite: at 5 ms a slow receiver's trickle of answers became ~200
   * small transactions a second that kept the event loop busy while answers waited to be read.
   * Endpoint slots free when the answer arrives, not when it is written, so waiting longer here
   * does not slow any endpoint down.
   */
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
/** How long outcomes the store refuses are tried again before their rows are left to the lease. */
const OUTCOME_WRITE_PATIENCE_MS = 15_000;
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
    flushIntervalMs: 20,
    flushMax: 500,
    capDeferMs: 50,
    health: DEFAULT_HEALTH_POLICY,
    breaker: {},
    userAgent: TRACKWIRE_USER_AGENT,
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
    attemptLog: attemptLogger(log),
    userAgent: o.userAgent,
    retrySchedule: o.retrySchedule,
    jitter: o.jitter,
    minDelayAfterThrottleMs: o.minDelayAfterThrottleMs,
    capDeferMs: o.capDeferMs,
  };

  let stopping = false;
  const cap = o.endpointInflightCap;
  /** An endpoint may hold one wave in flight and one waiting here; the rest stays in the store. */
  const perEndpoint = 2 * cap;
  /** Claim again for an endpoint only once it has room for at least half a wave. */
  const minEndpointRoom = Math.max(1, Math.floor(cap / 2));
  /** Below this many free slots a claim waits for more to free (no one-row claims at full speed). */
  const minClaim = Math.max(1, Math.floor(o.concurrency / 8));
  /** Claimed deliveries whose attempt has not finished (sending or waiting for an endpoint slot). */
  let sending = 0;
  /** Finished attempts whose outcome is not yet written. */
  let unwritten = 0;
  /** Claimed deliveries per endpoint, in flight or waiting here. */
  const load = new Map<number, number>();
  /** Claimed deliveries waiting for a slot of their endpoint's in-flight cap. */
  const waiting = new Map<number, Queued[]>();
  let buffer: DeliveryOutcome[] = [];
  let flushTimer: NodeJS.Timeout | undefined;
  let flushChain: Promise<void> = Promise.resolve();
  const running = new Set<Promise<void>>();

  // The last claim found less than it asked for: claiming again before something changes (new
  // work queued, an endpoint with room again, the poll interval) would only find nothing again.
  let exhausted = false;
  let claimHint = false;
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
  const freeSlots = () => o.concurrency - sending - unwritten;

  async function flush(): Promise<void> {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    const batch = buffer;
    buffer = [];
    if (batch.length === 0) return;
    try {
      const written = await writeOutcomesPersistently(batch);
      const lost = written.filter((w) => !w.owned).length;
      if (lost > 0)
        log.warn({ lost }, 'claims expired before their outcome was written; the new owners decide');
    } catch (err) {
      // Rows stay in_flight; their leases expire and they are sent again (at-least-once).
      log.error({ err }, 'could not write delivery outcomes; leases will return them');
    } finally {
      // Only a claim whose attempt has ended: the row may have been claimed and dispatched anew
      // since (a quick retry), and that newer attempt's claim must stay.
      for (const outcome of batch) if (held.get(outcome.delivery.id)?.ended) held.delete(outcome.delivery.id);
      unwritten -= batch.length;
      if (!exhausted || finishedSinceClaim >= minEndpointRoom) hint();
    }
  }
  /**
   * An outcome that is not written leaves its row in flight until the lease lapses, and the row is
   * then sent again: a second postback for one the receiver may already have taken. So a write the
   * store refuses (a lock held past the wait, a lost connection, a failover) is tried again, with
   * growing pauses, for up to OUTCOME_WRITE_PATIENCE_MS. Each try is fenced on the claims, so a
   * late one cannot overwrite a row that was swept and claimed by someone else meanwhile.
   */
  async function writeOutcomesPersistently(batch: DeliveryOutcome[]) {
    const started = Date.now();
    for (let pause = 50; ; pause = Math.min(pause * 2, 2_000)) {
      try {
        return await writeOutcomes(store.db, batch, clock.now(), o.health, log);
      } catch (err) {
        if (Date.now() - started + pause > OUTCOME_WRITE_PATIENCE_MS) throw err;
        log.warn({ err, outcomes: batch.length }, 'could not write delivery outcomes; trying again');
        await delay(pause);
      }
    }
  }
  const queueFlush = () => {
    flushChain = flushChain.then(flush);
    return flushChain;
  };
  function addOutcome(outcome: DeliveryOutcome): void {
    // Written under the newest claim this process holds on the row (see dispatch).
    const current = held.get(outcome.delivery.id);
    if (current) current.ended = true;
    buffer.push(
      current && current.claimId !== outcome.claimId ? { ...outcome, claimId: current.claimId } : outcome,
    );
    if (buffer.length >= o.flushMax) void queueFlush();
    else if (!flushTimer) flushTimer = setTimeout(queueFlush, o.flushIntervalMs);
  }

  async function dispatch(rows: DeliveryRow[], claimId: string): Promise<void> {
    const claimedAt = clock.now();
    for (const row of rows) held.set(row.id, { claimId, renewedAt: claimedAt, ended: false });
    let contexts: Awaited<ReturnType<typeof loadDeliveryContexts>>;
    try {
      contexts = await loadDeliveryContexts(
        store.db,
        rows.map((r) => r.id),
      );
    } catch (err) {
      log.error({ err }, 'could not load delivery contexts; deferring the batch');
      const nextRunAt = clock.now() + o.pollMs;
      for (const delivery of rows)
        finish(delivery, { kind: 'deferred', delivery, claimId, nextRunAt }, false);
      return;
    }
    const touched = new Set<number>();
    for (const delivery of rows) {
      const key = delivery.postback_id;
      const queue = waiting.get(key);
      const item = { delivery, claimId, context: contexts.get(delivery.id) };
      if (queue) queue.push(item);
      else waiting.set(key, [item]);
      touched.add(key);
    }
    for (const key of touched) pump(key);
  }

  // Starts waiting deliveries of one endpoint while it is under its in-flight cap: the next one
  // goes out the moment a slot frees, without a round trip through the store.
  function pump(key: number): void {
    const queue = waiting.get(key);
    if (!queue) return;
    while (queue.length > 0 && deps.limiter.inflight(String(key)) < cap) start(queue.shift() as Queued);
    if (queue.length === 0) waiting.delete(key);
  }

  function finish(delivery: DeliveryRow, outcome: DeliveryOutcome, started: boolean): void {
    const key = delivery.postback_id;
    const before = load.get(key) ?? 0;
    if (before <= 1) load.delete(key);
    else load.set(key, before - 1);
    sending -= 1;
    unwritten += 1;
    addOutcome(outcome);
    if (started) pump(key);
    finishedSinceClaim += 1;
    // An endpoint that was too busy to claim for has room again: its pending rows are claimable.
    if (exhausted && before > perEndpoint - minEndpointRoom && before - 1 <= perEndpoint - minEndpointRoom) {
      hint();
    }
  }

  function start(item: Queued): void {
    const { delivery, claimId } = item;
    const task = runDeliveryAttempt(deps, { delivery, claimId }, item.context)
      .catch((err): DeliveryOutcome => {
        log.error({ err, deliveryId: delivery.id }, 'delivery attempt crashed; deferring');
        return { kind: 'deferred', delivery, claimId, nextRunAt: clock.now() + o.pollMs };
      })
      .then((outcome) => finish(delivery, outcome, true));
    running.add(task);
    void task.finally(() => running.delete(task));
  }

  /** Endpoints too busy here to take more now, and the room of the others that hold some. */
  function endpointLimits(): { skip: number[]; room: Map<number, number> } {
    const skip: number[] = [];
    const room = new Map<number, number>();
    for (const [key, n] of load) {
      const left = perEndpoint - n;
      if (left < minEndpointRoom) skip.push(key);
      else room.set(key, left);
    }
    return { skip, room };
  }

  /**
   * Our own lease on `row` lapsed (a renewal came late) and we claimed it again while its attempt is
   * still running here: that attempt carries on under the new claim, with no second send.
   */
  function adoptOwnClaim(row: DeliveryRow, claimId: string): boolean {
    const mine = held.get(row.id);
    // An attempt that has ended is not running here any more: its outcome (a retry, say) was
    // written before this claim could see the row, so the row is sent again like any other.
    if (!mine || mine.ended) return false;
    mine.claimId = claimId;
    mine.renewedAt = clock.now();
    return true;
  }

  async function claim(free: number): Promise<number> {
    const claimId = randomUUID();
    const { skip, room } = endpointLimits();
    // A claim no larger than the smallest room of a busy endpoint can take the store's cheap
    // oldest-first path; only a claim that could over-fill an endpoint counts rows per endpoint.
    let limit = Math.min(free, perEndpoint);
    const smallestRoom = Math.min(...room.values());
    if (smallestRoom < limit && smallestRoom >= minClaim) limit = smallestRoom;
    const claimed = await claimDueDeliveries(store.db, {
      capabilities: store.capabilities,
      now: clock.now(),
      limit,
      claimId,
      leaseMs: o.leaseMs,
      perEndpoint,
      endpointRoom: room,
      skipEndpoints: skip,
    });
    exhausted = claimed.length < limit;
    claimHint = false;
    finishedSinceClaim = 0;
    const rows = claimed.filter((row) => !adoptOwnClaim(row, claimId));
    if (rows.length > 0) {
      sending += rows.length;
      for (const row of rows) load.set(row.postback_id, (load.get(row.postback_id) ?? 0) + 1);
      await dispatch(rows, claimId);
    }
    return claimed.length;
  }

  async function tick(lastSweep: number): Promise<number> {
    const now = clock.now();
    if (now - lastSweep >= o.pollMs || now < lastSweep) {
      const swept = await sweepExpiredLeases(store.db, now);
      if (swept > 0) {
        log.warn({ swept }, 'expired delivery leases returned to pending');
        claimHint = true;
      }
      lastSweep = now;
    }
    const free = freeSlots();
    const worthIt = free >= minClaim || (free > 0 && sending === 0);
    if (worthIt && (!exhausted || claimHint)) {
      await claim(free);
      if (!exhausted) return lastSweep;
      if (woken) return lastSweep;
      const nextDue = await findNextDueAt(store.db, endpointLimits().skip);
      const untilDue = nextDue === undefined ? o.pollMs : nextDue - clock.now();
      await sleep(Math.max(MIN_IDLE_MS, Math.min(o.pollMs, untilDue)));
      return lastSweep;
    }
    if (!woken) await sleep(o.pollMs);
    return lastSweep;
  }

  async function loop(): Promise<void> {
    let lastSweep = Number.NEGATIVE_INFINITY;
    while (!stopping) {
      woken = false;
      try {
        lastSweep = await tick(lastSweep);
      } catch (err) {
        logStoreFailure(log, err, 'delivery worker loop failed; retrying after the poll interval');
        await sleep(o.pollMs);
      }
    }
  }

  /** On shutdown, deliveries still waiting for an endpoint slot go back to the store unsent. */
  function releaseWaiting(): void {
    const now = clock.now();
    for (const [key, queue] of waiting) {
      waiting.delete(key);
      for (const { delivery, claimId } of queue) {
        finish(delivery, { kind: 'deferred', delivery, claimId, nextRunAt: now }, false);
      }
    }
  }

  // Claims this process holds. A slow attempt renews its lease so the sweeper (here or on another
  // node) never hands a delivery that is still being sent to a second sender.
  const held = new Map<string, { claimId: string; renewedAt: number; ended: boolean }>();
  const renewEvery = Math.max(50, Math.floor(o.leaseMs / 3));
  async function renewLeases(): Promise<void> {
    const now = clock.now();
    for (const [id, claim] of held) {
      if (claim.ended || now - claim.renewedAt < renewEvery) continue;
      claim.renewedAt = now;
      if (!(await renewLease(store.db, id, claim.claimId, now + o.leaseMs, now))) {
        log.warn({ deliveryId: id }, 'lost the claim of a delivery still in flight');
      }
    }
  }
  const renewTimer = setInterval(() => {
    renewLeases().catch((err) => logStoreFailure(log, err, 'could not renew delivery leases'));
  }, renewEvery);
  renewTimer.unref();

  const unsubscribe = ctx.onDeliveriesQueued(hint);
  const listener: QueueListener | undefined =
    store.capabilities.listenNotify && store.postgresUrl
      ? listenForQueuedDeliveries(store.postgresUrl, hint, log)
      : undefined;
  const looping = loop();
  log.info({ concurrency: o.concurrency, store: store.capabilities.dialect }, 'delivery worker started');

  return {
    async stop() {
      stopping = true;
      wake();
      await looping;
      unsubscribe();
      releaseWaiting();
      while (running.size > 0) await Promise.all([...running]);
      await queueFlush();
      clearInterval(renewTimer);
      await listener?.close();
      if (!o.sender) await sender.close();
      log.info('delivery worker stopped');
    },
    async drained() {
      for (;;) {
        const idle = sending === 0 && unwritten === 0 && buffer.length === 0;
        if (idle && (await countUnfinishedDeliveries(store.db)) === 0) return;
        await delay(10);
      }
    },
  };
}
