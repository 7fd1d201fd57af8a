// PostgreSQL: every statement is a round trip, so a batch's new conversions are written together
// first, one statement per table; the hits left (keys found taken, later hits of a key, rejected
// hits) are then written one at a time in batch order, so each sees what the batch wrote before
// it. Clicks asked for in one turn of the event loop are read with one query. Four batches at
// once: commits wait on the network and the disk.
import { BatchedLookup, type LoadMany } from '../../shared/batched-lookup.ts';
import type { InboundBatchSteps, InboundWriter } from '../inbound-writer.ts';

export const POSTGRES_INBOUND_WRITER: InboundWriter = Object.freeze({
  concurrentBatches: 4,
  lookUp<K, V>(_one: (key: K) => Promise<V | undefined>, many: LoadMany<K, V>) {
    const lookup = new BatchedLookup(many);
    return (key: K) => lookup.get(key);
  },
  async writeBatch<Hit, Result, Taken>(
    batch: readonly Hit[],
    steps: InboundBatchSteps<Hit, Result, Taken>,
  ): Promise<Result[]> {
    const results: (Result | undefined)[] = new Array(batch.length);
    const taken = await steps.writeNewTogether(batch, results);
    for (const [i, hit] of batch.entries()) {
      if (results[i]) continue;
      results[i] = await steps.writeOne(hit, taken.get(i));
    }
    return results as Result[];
  },
});
