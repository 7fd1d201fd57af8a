// Rows a feature has made durable outside the database and not yet written into it. Clicks are
// appended to a journal file before their redirect and imported into SQLite in batches
// (clicks/click-recorder.journal.ts); until then they are only in that file and in memory.
//
// So that every query in this process sees them, pending rows are written before any statement
// that runs outside a transaction: the store's statement cache, through which every statement on
// the connection is prepared, calls `beforeStatement`. A statement inside a transaction sees what
// was written before the transaction began, as it would any other commit. Another process on the
// same file sees the rows once they are imported (a few tens of milliseconds).

export interface PendingWrites {
  /** Whether rows wait to be written (false while a failed write backs off). */
  readonly pending: boolean;
  /**
   * Writes every pending row in one transaction. Throws SQLITE_BUSY, with nothing written, when
   * another process holds the write lock: the statement that asked then waits that out and asks again.
   */
  flush(): void;
}

export class WriteBehind {
  private readonly sources = new Set<PendingWrites>();
  private flushing = false;

  /** Registers a source of pending rows; returns the function that removes it. */
  add(source: PendingWrites): () => void {
    this.sources.add(source);
    return () => this.sources.delete(source);
  }

  /** Writes every source's pending rows; called before each statement outside a transaction. */
  beforeStatement(): void {
    if (this.flushing || this.sources.size === 0) return;
    this.flushing = true;
    try {
      for (const source of this.sources) if (source.pending) source.flush();
    } finally {
      this.flushing = false;
    }
  }
}
