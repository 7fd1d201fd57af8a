// Where a click is made durable before its redirect. On SQLite the clicks that arrive together are
// appended to the click journal with one write, and imported into the database in larger batches
// shortly after (click-recorder.journal.ts). On PostgreSQL, where any node must see a click at once
// and no node's local file can be trusted to outlive it, each batch of clicks that arrive together
// is committed before their redirects go out (group commit).
import type { Logger } from 'pino';
import type { Store } from '../../db/store.ts';
import { GroupCommit } from '../../shared/group-commit.ts';
import type { NewClickRow } from '../clicks/click.table.ts';
import { CLICK_COLUMNS } from './click-columns.ts';
import { createPostgresClickInserter } from './click-inserter.postgres.ts';
import { createJournalClickRecorder, type JournalRecorderOptions } from './click-recorder.journal.ts';

export interface ClickRecorder {
  /** Resolves once the click is durable; rejects when it cannot be, and then no redirect may be sent. */
  record(click: NewClickRow): Promise<void>;
  /** Stores everything recorded so far and takes no more. */
  close(): Promise<void>;
}

export function createClickRecorder(
  store: Store,
  log: Logger,
  journalOptions?: JournalRecorderOptions,
): ClickRecorder {
  if (store.sqlite && store.writeBehind) {
    return createJournalClickRecorder(store.sqlite, store.writeBehind, log, journalOptions);
  }
  if (!store.postgres) throw new Error('the store has neither a SQLite handle nor a PostgreSQL pool');
  const insert = createPostgresClickInserter(store.postgres, CLICK_COLUMNS);
  const batches = new GroupCommit<NewClickRow, void>(
    async (rows) => {
      await insert(rows);
      return rows.map(() => undefined);
    },
    {
      maxBatch: 256,
      concurrency: 4,
      onBatchError: (err, size) => log.warn({ err, size }, 'click batch failed; retrying row by row'),
    },
  );
  return {
    record: (click) => batches.submit(click),
    close: () => batches.close(),
  };
}
