// How a batch of inbound postbacks is written and how its hits read their clicks, as the store
// decides: the steps are the conversions' own, the store chooses how they are grouped into
// statements and how many batches run at once. See docs/decisions/0007-batched-postgresql-ingest.md.
import type { LoadMany } from '../shared/batched-lookup.ts';

/** The writes of one batch, bound to its transaction by the caller. */
export interface InboundBatchSteps<Hit, Result, Taken> {
  /**
   * Writes the first hit of each new key in the batch together, one statement per table, fills
   * `results` at the positions it settled, and returns by position the stored row of each first
   * hit whose key was found taken.
   */
  writeNewTogether(batch: readonly Hit[], results: (Result | undefined)[]): Promise<Map<number, Taken>>;
  /** Writes one hit; `taken` is its key's stored row when already known. */
  writeOne(hit: Hit, taken: Taken | undefined): Promise<Result>;
}

export interface InboundWriter {
  /** Batches that may be written at once. */
  readonly concurrentBatches: number;
  /** A read of one row by key, which the hits that arrive together may share. */
  lookUp<K, V>(
    one: (key: K) => Promise<V | undefined>,
    many: LoadMany<K, V>,
  ): (key: K) => Promise<V | undefined>;
  /** Writes a batch's hits in batch order, so a later hit sees what an earlier one wrote. */
  writeBatch<Hit, Result, Taken>(
    batch: readonly Hit[],
    steps: InboundBatchSteps<Hit, Result, Taken>,
  ): Promise<Result[]>;
}
