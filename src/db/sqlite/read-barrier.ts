// The SQLite store's read barrier: what keeps the click journal's read-your-writes guarantee
// (docs/decisions/0001-click-journal.md, 0013-click-writers-in-db.md). A click is answered once it
// is in the journal, and imported into SQLite a little later; until then it is only in that file
// and in memory. Every reader in this process must still see it, so the store passes this barrier
// before any statement that runs outside a transaction (sqlite/statement-cache.ts, through which
// every statement on the connection is prepared, Kysely's and the direct ones alike): passing it
// imports every waiting click. Readers need not know about it, so none can forget it.
//
// A statement inside a transaction sees what was imported before the transaction began (its BEGIN
// is such a statement), as it would any other commit. Another process on the same file sees the
// clicks once they are imported (a few tens of milliseconds).

export interface WaitingClicks {
  /** Whether clicks wait to be imported (false while a failed import backs off). */
  readonly pending: boolean;
  /**
   * Imports every waiting click in one transaction. Throws SQLITE_BUSY, with nothing written, when
   * another process holds the write lock: the statement that asked then waits that out and asks again.
   */
  importAll(): void;
}

export class ReadBarrier {
  private readonly sources = new Set<WaitingClicks>();
  private passing = false;

  /** Registers a click writer's waiting clicks; returns the function that removes them. */
  add(source: WaitingClicks): () => void {
    this.sources.add(source);
    return () => this.sources.delete(source);
  }

  /** Imports every waiting click; called before each statement outside a transaction. */
  pass(): void {
    if (this.passing || this.sources.size === 0) return;
    this.passing = true;
    try {
      for (const source of this.sources) if (source.pending) source.importAll();
    } finally {
      this.passing = false;
    }
  }
}
