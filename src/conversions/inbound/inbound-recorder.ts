// The group commit in front of the inbound writes: hits that arrive together (or while the
// previous batch is being written) share one transaction, which is what makes ingest fast on
// SQLite, where a commit costs far more than the rows it writes. Every hit is still durable
// before its answer; a failing batch is retried hit by hit, so one bad hit fails alone.
import type { AppContext } from '../../server/app-context.ts';
import { GroupCommit } from '../../shared/group-commit.ts';
import type { InboundResult } from './inbound-codes.ts';
import type { InboundWork } from './inbound-rows.ts';
import { recordInboundBatch } from './inbound-write.ts';

export interface InboundRecorder {
  submit(work: InboundWork): Promise<InboundResult>;
}

export function createInboundRecorder(ctx: AppContext, maxBatch = 128): InboundRecorder {
  return new GroupCommit<InboundWork, InboundResult>((batch) => recordInboundBatch(ctx, batch), {
    maxBatch,
    concurrency: ctx.store.inboundWriter.concurrentBatches,
    onBatchError: (err, size) => ctx.log.warn({ err, size }, 'postback batch failed; writing each alone'),
  });
}
