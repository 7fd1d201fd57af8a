// How a click batch is stored on SQLite: one prepared INSERT run per row inside one better-sqlite3
// transaction, which costs a fraction of compiling a fresh multi-row INSERT per batch.
//
// Each row is inserted through a statement that names only its non-null columns. A click has 31
// columns and most of them are empty (sub2-sub10, the ad-platform click ids, often the referrer),
// and binding a parameter is the largest single cost of running the statement: a better-sqlite3
// micro-benchmark put a 31-parameter insert at 2.3 µs of binding and 1.4 µs of B-tree work per row.
// Real traffic brings a handful of column sets, so their statements are prepared once and kept.
import type { Database, Statement } from 'better-sqlite3';
import type { NewClickRow } from './click.table.ts';
import { CLICK_COLUMNS, readClickValues } from './click-columns.ts';

/** Column sets beyond this many use the statement that names every column. */
const MAX_STATEMENTS = 256;

export interface RowWriterOptions {
  /** Skip rows whose id is stored already (a replayed journal) instead of failing the batch. */
  ignoreStored?: boolean;
  maxStatements?: number;
}

export function createSqliteRowWriter(
  sqlite: Database,
  { ignoreStored = false, maxStatements = MAX_STATEMENTS }: RowWriterOptions = {},
): (rows: NewClickRow[]) => void {
  const verb = ignoreStored ? 'insert or ignore' : 'insert';
  const statementFor = (columns: readonly string[]) =>
    `${verb} into clicks (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`;
  const statements = new Map<number, Statement>();
  const all = sqlite.prepare(statementFor(CLICK_COLUMNS));
  const row: unknown[] = new Array(CLICK_COLUMNS.length);
  // One reused parameter array per length: run() copies the values before it returns.
  const buffers = CLICK_COLUMNS.map((_, i) => new Array<unknown>(i + 1));

  function statementOf(mask: number): Statement {
    let statement = statements.get(mask);
    if (statement) return statement;
    if (statements.size >= maxStatements) return all;
    statement = sqlite.prepare(statementFor(CLICK_COLUMNS.filter((_, i) => Math.floor(mask / 2 ** i) % 2)));
    statements.set(mask, statement);
    return statement;
  }

  function insert(click: NewClickRow): void {
    readClickValues(click, row);
    // The column set as a number: bit i set when column i has a value (exact in a double to 53 columns).
    let mask = 0;
    let present = 0;
    for (let i = 0, bit = 1; i < row.length; i++, bit *= 2) {
      if (row[i] !== null) {
        mask += bit;
        present++;
      }
    }
    const statement = statementOf(mask);
    if (statement === all) {
      statement.run(row);
      return;
    }
    const values = buffers[present - 1];
    for (let i = 0, k = 0; i < row.length; i++) if (row[i] !== null) values[k++] = row[i];
    statement.run(values);
  }

  const transaction = sqlite.transaction((clicks: NewClickRow[]) => {
    for (const click of clicks) insert(click);
  });
  // IMMEDIATE: when another process holds the write lock, "busy" comes at BEGIN and is waited out.
  return (clicks) => transaction.immediate(clicks);
}
