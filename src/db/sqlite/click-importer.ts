// Clicks that are durable in the click journal but not yet in SQLite, and their import: one
// transaction per batch, a short while after the batch's first click, or at once when the batch is
// large. The store's read barrier (read-barrier.ts) also imports them before any statement outside a
// transaction, so a query in this process never misses a click that was redirected.
//
// An import that finds the write lock taken (another process) or the connection inside someone
// else's transaction is tried again shortly; one that fails otherwise (a full disk) is tried again
// after a second, and the clicks wait meanwhile in memory and in the journal.
import type SQLite from 'better-sqlite3';
import type { Logger } from 'pino';
import type { PackedClick } from '../common/click-columns.ts';
import { createSqliteRowWriter } from './click-inserter.ts';
import type { ReadBarrier, WaitingClicks } from './read-barrier.ts';
import { isBusy } from './sqlite-dialect.ts';

/** How long the first click of a batch waits before the batch is imported. */
const IMPORT_AFTER_MS = 20;
/** A batch this large is imported without waiting out IMPORT_AFTER_MS. */
const IMPORT_AT = 1_024;
/** After an import fails for a reason other than a lock, how long before it is tried again. */
const RETRY_AFTER_FAILURE_MS = 1_000;
/** After an import found the lock taken, how long before it is tried again. */
const RETRY_AFTER_BUSY_MS = 2;
/** How long closing waits for the write lock before leaving the clicks to the journal's replay. */
const CLOSE_WAIT_MS = 5_000;

export class ClickImporter {
  private waiting: PackedClick[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The delay the running timer was set with. */
  private timerMs = 0;
  private closed = false;
  private failedAt = Number.NEGATIVE_INFINITY;
  private readonly writeRows: (clicks: PackedClick[]) => void;
  private readonly stopImportingForReaders: () => void;
  /** Called after each import that left nothing waiting. */
  onImported: () => void = () => {};

  constructor(
    private readonly sqlite: SQLite.Database,
    readBarrier: ReadBarrier,
    private readonly log: Logger,
  ) {
    // Ignoring clicks already stored: a replayed journal may hold clicks imported before a crash.
    this.writeRows = createSqliteRowWriter(sqlite, { ignoreStored: true });
    const importer = this;
    const source: WaitingClicks = {
      get pending() {
        return importer.waiting.length > 0 && !importer.backingOff();
      },
      importAll: () => this.importAll(),
    };
    this.stopImportingForReaders = readBarrier.add(source);
  }

  /** Clicks not yet in the database. */
  get size(): number {
    return this.waiting.length;
  }

  /** Queues clicks (already durable in a journal) for the next import. */
  add(clicks: readonly PackedClick[]): void {
    for (const click of clicks) this.waiting.push(click);
    this.schedule(this.waiting.length >= IMPORT_AT ? 0 : IMPORT_AFTER_MS);
  }

  /** Imports what waits, then stops; resolves false when some clicks could not be imported. */
  async close(): Promise<boolean> {
    this.stopImportingForReaders();
    clearTimeout(this.timer);
    this.timer = undefined;
    const started = Date.now();
    while (this.waiting.length > 0 && Date.now() - started < CLOSE_WAIT_MS) {
      if (this.tryImport() === 'failed') break;
      if (this.waiting.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    this.closed = true;
    return this.waiting.length === 0;
  }

  /** Writes every waiting click in one transaction; throws only "busy", with nothing written. */
  private importAll(): void {
    if (this.waiting.length === 0) return;
    try {
      this.writeRows(this.waiting);
    } catch (error) {
      if (isBusy(error)) throw error;
      this.failedAt = Date.now();
      this.log.error({ err: error, waiting: this.waiting.length }, 'clicks could not be imported; retrying');
      return;
    }
    this.waiting = [];
    this.failedAt = Number.NEGATIVE_INFINITY;
    this.onImported();
  }

  private tryImport(): 'done' | 'busy' | 'failed' {
    // Someone's transaction holds the connection (it may be awaiting something): go after it.
    if (this.sqlite.inTransaction) return 'busy';
    try {
      this.importAll();
    } catch {
      return 'busy'; // another process holds the write lock
    }
    return this.waiting.length === 0 ? 'done' : 'failed';
  }

  private backingOff(): boolean {
    return Date.now() - this.failedAt < RETRY_AFTER_FAILURE_MS;
  }

  private readonly run = () => {
    this.timer = undefined;
    if (this.closed || this.waiting.length === 0) return;
    const outcome = this.tryImport();
    if (outcome === 'busy') this.schedule(RETRY_AFTER_BUSY_MS);
    else if (outcome === 'failed') this.schedule(RETRY_AFTER_FAILURE_MS);
  };

  /** Sets the timer, or brings a running one forward to `ms`. */
  private schedule(ms: number): void {
    if (this.closed || (this.timer !== undefined && this.timerMs <= ms)) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(this.run, ms);
    this.timerMs = ms;
    this.timer.unref(); // the clicks are in the journal: they need not hold the process open
  }
}
