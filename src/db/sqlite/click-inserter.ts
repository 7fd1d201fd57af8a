// How a click batch is stored on SQLite: prepared INSERTs inside one better-sqlite3 transaction,
// which costs a fraction of compiling a fresh INSERT per batch.
//
// Each row is inserted through a statement that names only its non-null columns. A click has 33
// columns and most of them are empty (sub2-sub10, the ad-platform click ids, often the referrer),
// and binding a parameter costs more than the B-tree work of inserting the row. Real traffic brings
// a handful of column sets, so their statements are prepared once and kept.
//
// Rows of one column set go in 32, 16, 8, 4, 2 or 1 at a time, through statements of that many
// VALUES rows: each run of a statement has a fixed cost (the call, the step, the reset), which a
// multi-row statement pays once for its rows.
import type { Database, Statement } from 'better-sqlite3';
import { CLICK_COLUMNS, hasColumn, type PackedClick } from '../common/click-columns.ts';

/** Statements (column set × rows per statement) beyond this many are not kept. */
const MAX_STATEMENTS = 256;
/** Rows per statement, largest first: a run of rows is written with as few statements as these allow. */
const ROWS_PER_STATEMENT = [32, 16, 8, 4, 2, 1];

export interface RowWriterOptions {
  /** Skip rows whose id is stored already (a replayed journal) instead of failing the batch. */
  ignoreStored?: boolean;
  maxStatements?: number;
}

export function createSqliteRowWriter(
  sqlite: Database,
  { ignoreStored = false, maxStatements = MAX_STATEMENTS }: RowWriterOptions = {},
): (clicks: PackedClick[]) => void {
  const verb = ignoreStored ? 'insert or ignore' : 'insert';
  const statementFor = (columns: readonly string[], rows: number) => {
    const values = `(${columns.map(() => '?').join(', ')})`;
    return `${verb} into clicks (${columns.join(', ')}) values ${Array(rows).fill(values).join(', ')}`;
  };
  const statements = new Map<number, Statement>();
  const everyColumn = sqlite.prepare(statementFor(CLICK_COLUMNS, 1));
  const row: unknown[] = new Array(CLICK_COLUMNS.length);
  // Reused parameter arrays by length: run() copies the values before it returns.
  const buffers = new Map<number, unknown[]>();

  /** The statement for `rows` rows of this column set, or undefined once too many are kept. */
  function statementOf(mask: number, rows: number): Statement | undefined {
    const key = mask * 64 + rows; // exact in a double: the mask has 33 bits
    let statement = statements.get(key);
    if (statement) return statement;
    if (statements.size >= maxStatements) return undefined;
    const columns = CLICK_COLUMNS.filter((_, i) => hasColumn(mask, i));
    statement = sqlite.prepare(statementFor(columns, rows));
    statements.set(key, statement);
    return statement;
  }

  function bufferOf(length: number): unknown[] {
    let buffer = buffers.get(length);
    if (!buffer) {
      buffer = new Array<unknown>(length);
      buffers.set(length, buffer);
    }
    return buffer;
  }

  /** The clicks grouped by column set. */
  function byColumnSet(clicks: readonly PackedClick[]): Map<number, PackedClick[]> {
    const groups = new Map<number, PackedClick[]>();
    for (const click of clicks) {
      const mask = click[0] as number;
      const group = groups.get(mask);
      if (group) group.push(click);
      else groups.set(mask, [click]);
    }
    return groups;
  }

  function insertGroup(mask: number, rows: PackedClick[]): void {
    const width = rows[0].length - 1;
    let next = 0;
    for (const size of ROWS_PER_STATEMENT) {
      while (rows.length - next >= size) {
        const statement = statementOf(mask, size);
        if (!statement) {
          insertOneByOne(mask, rows.slice(next));
          return;
        }
        const parameters = bufferOf(width * size);
        for (let r = 0; r < size; r++) {
          const values = rows[next + r];
          for (let c = 0; c < width; c++) parameters[r * width + c] = values[c + 1];
        }
        statement.run(parameters);
        next += size;
      }
    }
  }

  /** With no statement to spare for this column set: every column, one row at a time. */
  function insertOneByOne(mask: number, rows: PackedClick[]): void {
    for (const values of rows) {
      for (let i = 0, k = 1; i < row.length; i++) row[i] = hasColumn(mask, i) ? values[k++] : null;
      everyColumn.run(row);
    }
  }

  const transaction = sqlite.transaction((clicks: PackedClick[]) => {
    for (const [mask, rows] of byColumnSet(clicks)) insertGroup(mask, rows);
  });
  // IMMEDIATE: when another process holds the write lock, "busy" comes at BEGIN and is waited out.
  return (clicks) => transaction.immediate(clicks);
}
