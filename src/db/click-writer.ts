// Durable click writing, one implementation per dialect: on SQLite the click journal
// (sqlite/click-writer.ts), on PostgreSQL group commit (postgres/click-writer.ts).
// See docs/decisions/0001-click-journal.md and 0002-group-commit.md.
import type { Logger } from 'pino';
import type { NewClickRow } from '../tracking/clicks/click.table.ts';

export interface ClickWriter {
  /** Resolves once the click is durable; rejects when it cannot be, and then no redirect may be sent. */
  record(click: NewClickRow): Promise<void>;
  /** Clicks accepted but not yet in the database (the SQLite journal's import backlog). */
  waiting?(): number;
  /** Stores everything recorded so far and takes no more. */
  close(): Promise<void>;
}

export interface ClickWriterOptions {
  /** Clicks waiting beyond this many (imports failing for long) are refused rather than held (SQLite). */
  maxWaiting?: number;
}

/** Opens click writers on the store's dialect. */
export interface ClickStorage {
  openWriter(log: Logger, options?: ClickWriterOptions): ClickWriter;
  /**
   * Adds the clicks stored since the last call to the click rollup (at most a chunk of them) and
   * returns how far its mark moved (0: nothing new); safe to run anywhere, any time
   * (common/click-rollup.ts).
   */
  catchUpRollup(): Promise<number>;
}
