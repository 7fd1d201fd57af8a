// Group commit: clicks that arrive together are written in one multi-row insert, and each caller's
// promise settles only after that commit, so a redirect is never sent for a click that is not stored.
// While one batch is being written the next one fills up, so batches grow with load by themselves
// and a lone click waits for nothing but its own commit.

export interface ClickWriterOptions {
  /** Most rows per batch; a full batch is written at once. */
  maxBatch?: number;
  /** Extra wait for company before writing a batch; 0 = only what arrives in the same loop turn. */
  lingerMs?: number;
  /** Called when a batch fails and is being retried row by row. */
  onBatchError?: (error: unknown, size: number) => void;
}

interface Pending<T> {
  row: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class ClickWriterClosedError extends Error {
  constructor() {
    super('click writer is closed');
  }
}

export class ClickWriter<T> {
  private queue: Pending<T>[] = [];
  private scheduled = false;
  private writing: Promise<void> | undefined;
  private closed = false;
  private readonly maxBatch: number;
  private readonly lingerMs: number;

  constructor(
    private readonly insert: (rows: T[]) => Promise<void>,
    private readonly options: ClickWriterOptions = {},
  ) {
    this.maxBatch = Math.max(1, options.maxBatch ?? 256);
    this.lingerMs = options.lingerMs ?? 0;
  }

  /** Resolves once the row is committed; rejects when its write failed or the writer is closed. */
  write(row: T): Promise<void> {
    if (this.closed) return Promise.reject(new ClickWriterClosedError());
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.schedule();
    });
  }

  /** Writes everything still queued, waits for it, and refuses further rows. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.writing || this.queue.length > 0) {
      if (this.writing) await this.writing;
      else await this.flush();
    }
  }

  private schedule(): void {
    if (this.writing || this.scheduled) return; // the running write picks the queue up when it ends
    if (this.queue.length >= this.maxBatch) {
      void this.flush();
      return;
    }
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      if (!this.writing) void this.flush();
    };
    if (this.lingerMs > 0) setTimeout(run, this.lingerMs);
    else setImmediate(run);
  }

  private flush(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return Promise.resolve();
    const writing = this.writeBatch(batch).finally(() => {
      this.writing = undefined;
      if (this.queue.length > 0) {
        if (this.queue.length >= this.maxBatch || this.closed) void this.flush();
        else this.schedule();
      }
    });
    this.writing = writing;
    return writing;
  }

  private async writeBatch(batch: Pending<T>[]): Promise<void> {
    try {
      await this.insert(batch.map((p) => p.row));
      for (const p of batch) p.resolve();
      return;
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      this.options.onBatchError?.(error, batch.length);
    }
    // One bad row must not cost the whole batch its redirect: retry each row alone.
    for (const p of batch) {
      try {
        await this.insert([p.row]);
        p.resolve();
      } catch (error) {
        p.reject(error);
      }
    }
  }
}
