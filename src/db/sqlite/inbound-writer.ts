// SQLite: a statement is a function call, so a batch's hits are written one at a time in its one
// transaction and each hit reads its own click. One batch at a time: a second would only queue
// for the single writer's lock.
import type { InboundBatchSteps, InboundWriter } from '../inbound-writer.ts';

export const SQLITE_INBOUND_WRITER: InboundWriter = Object.freeze({
  concurrentBatches: 1,
  lookUp: <K, V>(one: (key: K) => Promise<V | undefined>) => one,
  async writeBatch<Hit, Result, Taken>(
    batch: readonly Hit[],
    steps: InboundBatchSteps<Hit, Result, Taken>,
  ): Promise<Result[]> {
    const results: Result[] = new Array(batch.length);
    for (const [i, hit] of batch.entries()) results[i] = await steps.writeOne(hit, undefined);
    return results;
  },
});
