// How the click writer stores a batch. On a store with a raw SQLite handle, batches skip query
// building: cached prepared statements run inside one better-sqlite3 transaction
// (click-inserter.sqlite.ts); another process holding the write lock is waited for without blocking
// the event loop. On PostgreSQL each batch is one statement of fixed text
// (click-inserter.postgres.ts). Whenever someone else's transaction is open on the shared SQLite
// connection, the Kysely repository path is used.
import { waitOutBusy } from '../db/sqlite-dialect.ts';
import type { Store } from '../db/store.ts';
import { insertClicks } from './click.repository.ts';
import type { NewClickRow } from './click.table.ts';
import { CLICK_COLUMNS } from './click-columns.ts';
import { createPostgresClickInserter } from './click-inserter.postgres.ts';
import { createSqliteRowWriter } from './click-inserter.sqlite.ts';

export type ClickInserter = (rows: NewClickRow[]) => Promise<void>;

export function createClickInserter(store: Store): ClickInserter {
  const { db, sqlite, postgres } = store;
  if (postgres) return createPostgresClickInserter(postgres, CLICK_COLUMNS);
  if (!sqlite) throw new Error('the store has neither a SQLite handle nor a PostgreSQL pool');
  let insertAll: ((rows: NewClickRow[]) => void) | undefined;
  return (rows) =>
    waitOutBusy(sqlite, () => {
      // Inside an open transaction better-sqlite3 would nest as a SAVEPOINT, and a rollback of that
      // outer transaction would take already-redirected clicks with it: wait our turn instead.
      if (sqlite.inTransaction) return insertClicks(db, rows);
      // Prepared on first use, so building the app never depends on the schema being migrated yet.
      insertAll ??= createSqliteRowWriter(sqlite);
      insertAll(rows);
    });
}
