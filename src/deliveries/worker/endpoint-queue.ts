// The per-endpoint queue between prepare and send. Claimed deliveries wait here for a slot of their
// endpoint's in-flight cap, and the next one goes out the moment a slot frees, without a round trip
// through the store. This is the one place the cap is enforced for scheduled attempts.
import type { DeliveryRow } from '../delivery.table.ts';
import type { DeliveryContext } from '../prepare/delivery-request.ts';
import { InflightLimiter } from '../transport/circuit-breaker.ts';
import type { ClaimSizes } from './worker-options.ts';

export interface QueuedDelivery {
  delivery: DeliveryRow;
  claimId: string;
  context: DeliveryContext | undefined;
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

  constructor(
    private readonly sizes: ClaimSizes,
    private readonly send: (item: QueuedDelivery) => void,
  ) {
    this.inflight = new InflightLimiter(sizes.cap);
  }

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
  finished(postbackId: number, started: boolean): number {
    const before = this.load.get(postbackId) ?? 0;
    if (before <= 1) this.load.delete(postbackId);
    else this.load.set(postbackId, before - 1);
    if (started) {
      this.inflight.release(String(postbackId));
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
    while (queue.length > 0 && this.inflight.tryAcquire(String(key)))
      this.send(queue.shift() as QueuedDelivery);
    if (queue.length === 0) this.waiting.delete(key);
  }
}
