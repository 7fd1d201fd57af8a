// The endpoint queue's batching: an ad-platform endpoint's waiting deliveries leave together, up to
// its batch size, one batch per request slot; a URL endpoint's leave one by one under its cap.
import { describe, expect, it } from 'vitest';
import type { DeliveryRow } from '../delivery.table.ts';
import type { DeliveryContext } from '../prepare/delivery-request.ts';
import { EndpointQueues, type QueuedDelivery } from './endpoint-queue.ts';

const sizes = { cap: 2, perEndpoint: 4, minEndpointRoom: 1, minClaim: 1 };

function item(postbackId: number, i: number, kind: string): QueuedDelivery {
  const delivery = { id: `dlv_${postbackId}_${i}`, postback_id: postbackId } as DeliveryRow;
  return { delivery, claimId: 'c', context: { postback: { kind } } as unknown as DeliveryContext };
}

describe('endpoint queue batching', () => {
  it('sends a platform endpoint in batches of at most its size, one per request slot', () => {
    const sent: string[][] = [];
    const queues = new EndpointQueues(sizes, (items) => sent.push(items.map((i) => i.delivery.id)), {
      maxOf: (i) => (i.context?.postback.kind === 'url' ? 1 : 3),
      requestCap: 1,
    });
    const items = Array.from({ length: 7 }, (_, i) => item(1, i, 'meta_capi'));
    queues.claimed(items.map((i) => i.delivery));
    queues.enqueue(items);
    expect(sent).toEqual([['dlv_1_0', 'dlv_1_1', 'dlv_1_2']]);
    // The batch's three deliveries finish; only the last one frees the request slot.
    queues.finished(1, true, false);
    queues.finished(1, true, false);
    expect(sent).toHaveLength(1);
    queues.finished(1, true, true);
    expect(sent).toEqual([
      ['dlv_1_0', 'dlv_1_1', 'dlv_1_2'],
      ['dlv_1_3', 'dlv_1_4', 'dlv_1_5'],
    ]);
  });

  it('keeps URL endpoints one delivery per slot under their cap', () => {
    const sent: string[][] = [];
    const queues = new EndpointQueues(sizes, (items) => sent.push(items.map((i) => i.delivery.id)), {
      maxOf: (i) => (i.context?.postback.kind === 'url' ? 1 : 3),
      requestCap: 1,
    });
    const items = Array.from({ length: 3 }, (_, i) => item(2, i, 'url'));
    queues.claimed(items.map((i) => i.delivery));
    queues.enqueue(items);
    expect(sent).toEqual([['dlv_2_0'], ['dlv_2_1']]);
    queues.finished(2, true);
    expect(sent).toEqual([['dlv_2_0'], ['dlv_2_1'], ['dlv_2_2']]);
  });

  it('gives a platform endpoint room for two waves of full batches, and a URL endpoint twice its cap', () => {
    const queues = new EndpointQueues(sizes, () => {}, {
      maxOf: (i) => (i.context?.postback.kind === 'url' ? 1 : 3),
      requestCap: 2,
    });
    expect(queues.platformBudget()).toBe(0);
    const platform = Array.from({ length: 5 }, (_, i) => item(1, i, 'meta_capi'));
    const url = Array.from({ length: 3 }, (_, i) => item(2, i, 'url'));
    queues.claimed([...platform, ...url].map((i) => i.delivery));
    queues.enqueue([...platform, ...url]);
    // Platform: 2 waves × 2 requests × 3 events = 12, 5 held; URL: 2 × cap 2 = 4, 3 held.
    expect(queues.limits()).toEqual({ skip: [], room: new Map([[2, 1]]), platformRoom: new Map([[1, 7]]) });
    expect(queues.platformBudget()).toBe(12);
    // Two request slots of three: five held leave room for seven, more than one batch.
    const more = Array.from({ length: 5 }, (_, i) => item(1, 10 + i, 'meta_capi'));
    queues.claimed(more.map((i) => i.delivery));
    queues.enqueue(more);
    expect(queues.limits().skip).toEqual([1]);
    // The batch that frees the endpoint's room back to one batch tells the caller so, once.
    expect(queues.finished(1, true, false)).toBe(true);
    expect(queues.finished(1, true, false)).toBe(false);
  });
});
