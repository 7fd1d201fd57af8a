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
  /** Ad-platform endpoints with room for half a wave of full batches or more: claimed on their own. */
  platformRoom: Map<number, number>;
}

export class EndpointQueues {
  /** Claimed deliveries per endpoint, in flight or waiting here. */
  private readonly load = new Map<number, number>();
  private readonly waiting = new Map<number, QueuedDelivery[]>();
  private readonly inflight: InflightLimiter;
  /** Ad-platform endpoints: their slots are batch requests, not deliveries. */
  private readonly requests: InflightLimiter;
  private readonly requestCap: number;
  /** Ad-platform endpoints seen here, with their batch max. */
  private readonly batched = new Map<number, number>();

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
    this.requestCap = batching.requestCap;
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
   * A delivery of `postbackId` is done here (its attempt ended, or it never started). True when
   * this gave the endpoint room to claim for again.
   */
  finished(postbackId: number, started: boolean, releasesSlot = started): boolean {
    const before = this.load.get(postbackId) ?? 0;
    if (before <= 1) this.load.delete(postbackId);
    else this.load.set(postbackId, before - 1);
    if (releasesSlot) {
      (this.batched.has(postbackId) ? this.requests : this.inflight).release(String(postbackId));
      this.pump(postbackId);
    }
    const roomAt = this.perEndpointOf(postbackId) - this.minRoomOf(postbackId);
    return before > roomAt && before - 1 <= roomAt;
  }

  /**
   * Most deliveries of all ad-platform endpoints the worker holds at once: two waves of full
   * batches of the largest destination seen (platform deliveries do not take per-delivery slots).
   */
  platformBudget(): number {
    let largest = 0;
    for (const max of this.batched.values()) largest = Math.max(largest, max);
    return 2 * this.requestCap * largest;
  }

  limits(): EndpointLimits {
    const skip: number[] = [];
    const room = new Map<number, number>();
    const platformRoom = new Map<number, number>();
    for (const key of this.batched.keys()) {
      const left = this.perEndpointOf(key) - (this.load.get(key) ?? 0);
      if (left < this.minRoomOf(key)) skip.push(key);
      else platformRoom.set(key, left);
    }
    for (const [key, n] of this.load) {
      if (this.batched.has(key)) continue;
      const left = this.sizes.perEndpoint - n;
      if (left < this.sizes.minEndpointRoom) skip.push(key);
      else room.set(key, left);
    }
    return { skip, room, platformRoom };
  }

  /** An endpoint holds one wave in flight and one waiting; a platform endpoint's wave is full batches. */
  private perEndpointOf(key: number): number {
    const max = this.batched.get(key);
    return max === undefined ? this.sizes.perEndpoint : 2 * this.requestCap * max;
  }

  private minRoomOf(key: number): number {
    const max = this.batched.get(key);
    return max === undefined ? this.sizes.minEndpointRoom : max;
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
    if (max > 1) this.batched.set(key, max);
    const limiter = this.batched.has(key) ? this.requests : this.inflight;
    // One slot per request: a platform endpoint's waiting deliveries leave together, up to its batch size.
    while (queue.length > 0 && limiter.tryAcquire(String(key))) this.send(queue.splice(0, Math.max(1, max)));
    if (queue.length === 0) this.waiting.delete(key);
  }
}
