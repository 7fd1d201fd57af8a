// The per-endpoint queue between prepare and send. Claimed deliveries wait here for a slot of their
// endpoint's in-flight cap, and the next one goes out the moment a slot frees, without a round trip
// through the store. This is the one place the cap is enforced for scheduled attempts.
import type { DeliveryRow } from '../delivery.table.ts';
import type { WorkContext } from '../prepare/delivery-context.repository.ts';
import { InflightLimiter } from '../transport/circuit-breaker.ts';
import type { ClaimSizes } from './worker-options.ts';

export interface QueuedDelivery {
  delivery: DeliveryRow;
  claimId: string;
  context: WorkContext | undefined;
}

/** Endpoints too busy here to take more now, and the room of the others that hold some. */
export interface EndpointLimits {
  skip: number[];
  room: Map<number, number>;
}

export class EndpointQueues {
  /** Claimed deliveries per endpoint, in flight or waiting here. */
  private readonly load = new Map<number, number>();
  private readonly waiting = new Map<number, QueuedDelivery[]>();
  private readonly inflight: InflightLimiter;
  /** Ad-platform endpoints: their slots are batch requests, not deliveries. */
  private readonly requests: InflightLimiter;
  private readonly batched = new Set<number>();

  constructor(
    private readonly sizes: ClaimSizes,
    private readonly send: (items: QueuedDelivery[]) => void,
    batching: { maxOf: (item: QueuedDelivery) => number; requestCap: number } = {
      maxOf: () => 1,
      requestCap: 1,
    },
  ) {
    this.inflight = new InflightLimiter(sizes.cap);
    this.requests = new InflightLimiter(batching.requestCap);
    this.maxOf = batching.maxOf;
  }

  private readonly maxOf: (item: QueuedDelivery) => number;

  /** Counts claimed rows against their endpoints before they are prepared. */
  claimed(rows: DeliveryRow[]): void {
    for (const row of rows) this.load.set(row.postback_id, (this.load.get(row.postback_id) ?? 0) + 1);
  }

  /** Queues prepared deliveries and starts as many as their endpoints' caps allow. */
  enqueue(items: QueuedDelivery[]): void {
    const touched = new Set<number>();
    for (const item of items) {
      const key = item.delivery.postback_id;
      const queue = this.waiting.get(key);
      if (queue) queue.push(item);
      else this.waiting.set(key, [item]);
      touched.add(key);
    }
    for (const key of touched) this.pump(key);
  }

  /**
   * A delivery of `postbackId` is done here (its attempt ended, or it never started). Returns how
   * many that endpoint held before, so the caller can tell when it has room to claim for again.
   */
  finished(postbackId: number, started: boolean, releasesSlot = started): number {
    const before = this.load.get(postbackId) ?? 0;
    if (before <= 1) this.load.delete(postbackId);
    else this.load.set(postbackId, before - 1);
    if (releasesSlot) {
      (this.batched.has(postbackId) ? this.requests : this.inflight).release(String(postbackId));
      this.pump(postbackId);
    }
    return before;
  }

  limits(): EndpointLimits {
    const skip: number[] = [];
    const room = new Map<number, number>();
    for (const [key, n] of this.load) {
      const left = this.sizes.perEndpoint - n;
      if (left < this.sizes.minEndpointRoom) skip.push(key);
      else room.set(key, left);
    }
    return { skip, room };
  }

  /** Takes every delivery still waiting for a slot (shutdown: they go back to the store unsent). */
  takeWaiting(): QueuedDelivery[] {
    const all = [...this.waiting.values()].flat();
    this.waiting.clear();
    return all;
  }

  private pump(key: number): void {
    const queue = this.waiting.get(key);
    if (!queue) return;
    const sample = queue.find((item) => item.context !== undefined);
    const max = sample ? this.maxOf(sample) : 1;
    if (max > 1) this.batched.add(key);
    const limiter = this.batched.has(key) ? this.requests : this.inflight;
    // One slot per request: a platform endpoint's waiting deliveries leave together, up to its batch size.
    while (queue.length > 0 && limiter.tryAcquire(String(key))) this.send(queue.splice(0, Math.max(1, max)));
    if (queue.length === 0) this.waiting.delete(key);
  }
}
