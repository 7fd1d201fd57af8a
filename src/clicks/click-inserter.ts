// How the click writer stores a batch. On a store with a raw SQLite handle, batches skip query
// building: one cached prepared statement run per row inside one better-sqlite3 transaction, which
// costs a fraction of compiling and preparing a fresh multi-row INSERT per batch (the click route is
// the hottest path); another process holding the write lock is waited for without blocking the
// event loop. On PostgreSQL each batch is one statement of fixed text
// (click-inserter.postgres.ts). Whenever someone else's transaction is open on the shared SQLite
// connection, the Kysely repository path is used.
import { waitOutBusy } from '../db/sqlite-dialect.ts';
import type { Store } from '../db/store.ts';
import { insertClicks } from './click.repository.ts';
import type { ClickTable, NewClickRow } from './click.table.ts';
import { createPostgresClickInserter } from './click-inserter.postgres.ts';
import { SUB_KEYS } from './click-target.ts';

export type ClickInserter = (rows: NewClickRow[]) => Promise<void>;

export const COLUMNS = [
  'id',
  'link_id',
  'offer_id',
  'publisher_id',
  'advertiser_id',
  ...SUB_KEYS,
  'external_id',
  'fbclid',
  'ttclid',
  'gclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'ip',
  'user_agent',
  'device',
  'os',
  'browser',
  'country',
  'referrer',
  'is_bot',
  'created_at',
] as const satisfies ReadonlyArray<keyof ClickTable>;

export function createClickInserter(store: Store): ClickInserter {
  const { db, sqlite } = store;
  if (!sqlite) return createPostgresClickInserter(db, COLUMNS);
  const sql = `insert into clicks (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`;
  let insertAll: ((rows: NewClickRow[]) => void) | undefined;
  // Prepared on first use, so building the app never depends on the schema being migrated yet.
  const prepare = () => {
    const statement = sqlite.prepare(sql);
    // One reused parameter array: run() copies the values into the statement before returning.
    const values: unknown[] = new Array(COLUMNS.length);
    const transaction = sqlite.transaction((rows: NewClickRow[]) => {
      for (const row of rows) {
        for (let i = 0; i < COLUMNS.length; i++) values[i] = row[COLUMNS[i]] ?? null;
        statement.run(values);
      }
    });
    // IMMEDIATE: when another process holds the write lock, "busy" comes at BEGIN and is waited out.
    return (rows: NewClickRow[]) => transaction.immediate(rows);
  };
  return (rows) =>
    waitOutBusy(sqlite, () => {
      // Inside an open transaction better-sqlite3 would nest as a SAVEPOINT, and a rollback of that
      // outer transaction would take already-redirected clicks with it: wait our turn instead.
      if (sqlite.inTransaction) return insertClicks(db, rows);
      insertAll ??= prepare();
      insertAll(rows);
    });
}
