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
});
