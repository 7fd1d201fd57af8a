// Group commit: work items that arrive together are handed to `run` as one batch (one transaction
// in the callers), and each caller's promise settles only after that batch has committed. While
// one batch runs the next one fills up, so batches grow with load by themselves and a lone item
// waits for nothing but its own commit. When a batch fails, every item is run again alone, so one
// bad item costs only itself. Clicks (rows before their redirect) and inbound postbacks (hits
// before their answer) both commit this way. See docs/decisions/0002-group-commit.md.

export interface GroupCommitOptions {
  /** Most items per batch. */
  maxBatch?: number;
  /**
   * Batches that may run at once. 1 where the store has a single writer (SQLite: batches would only
   * queue for its lock); more where commits wait on the network and the disk (PostgreSQL).
   */
  concurrency?: number;
  /** Called when a batch failed and its items are being run one by one. */
  onBatchError?: (error: unknown, size: number) => void;
}

interface Pending<I, O> {
  item: I;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
}

export class GroupCommitClosedError extends Error {
  constructor() {
    super('group commit is closed');
  }
}

export class GroupCommit<I, O> {
  private queue: Pending<I, O>[] = [];
  private scheduled = false;
  private active = 0;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private readonly maxBatch: number;
  private readonly concurrency: number;

  /** `run` must return one output per item, in the items' order. */
  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly options: GroupCommitOptions = {},
  ) {
    this.maxBatch = Math.max(1, options.maxBatch ?? 128);
    this.concurrency = Math.max(1, options.concurrency ?? 1);
  }

  /** Resolves with the item's output once its batch has committed. */
  submit(item: I): Promise<O> {
    if (this.closed) return Promise.reject(new GroupCommitClosedError());
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Commits everything still queued, waits for it, and refuses further items. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.active > 0 || this.queue.length > 0) {
      const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      this.startBatches();
      await idle;
    }
  }

  private schedule(): void {
    // While every slot is busy, items wait: a finishing batch starts the next with what queued up.
    if (this.scheduled || this.active >= this.concurrency) return;
    this.scheduled = true;
    // setImmediate, not a microtask: requests parsed in the same I/O turn join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.startBatches();
    });
  }

  private startBatches(): void {
    while (this.active < this.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.active++;
      void this.runBatch(batch).finally(() => {
        this.active--;
        // Let requests that arrived meanwhile be parsed and checked before the next batch starts.
        if (this.queue.length > 0) this.schedule();
        for (const wake of this.idleWaiters.splice(0)) wake();
      });
    }
  }

  private async runBatch(batch: Pending<I, O>[]): Promise<void> {
    try {
      const outputs = await this.run(batch.map((p) => p.item));
      for (let i = 0; i < batch.length; i++) batch[i].resolve(outputs[i]);
      return;
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      this.options.onBatchError?.(error, batch.length);
    }
    for (const p of batch) {
      try {
        const [output] = await this.run([p.item]);
        p.resolve(output);
      } catch (error) {
        p.reject(error);
      }
    }
  }
}
