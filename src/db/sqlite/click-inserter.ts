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
import {
  CLICK_ROLLUP_COLUMNS,
  CLICK_ROLLUP_KEY,
  PACKED_ID,
  rollUpPackedClicks,
} from '../common/click-rollup.ts';

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

  /** Inserts the rows; returns how many were stored (fewer when some were stored already). */
  function insertGroup(mask: number, rows: PackedClick[]): number {
    const width = rows[0].length - 1;
    let next = 0;
    let stored = 0;
    for (const size of ROWS_PER_STATEMENT) {
      while (rows.length - next >= size) {
        const statement = statementOf(mask, size);
        if (!statement) return stored + insertOneByOne(mask, rows.slice(next));
        const parameters = bufferOf(width * size);
        for (let r = 0; r < size; r++) {
          const values = rows[next + r];
          for (let c = 0; c < width; c++) parameters[r * width + c] = values[c + 1];
        }
        stored += statement.run(parameters).changes;
        next += size;
      }
    }
    return stored;
  }

  /** With no statement to spare for this column set: every column, one row at a time. */
  function insertOneByOne(mask: number, rows: PackedClick[]): number {
    let stored = 0;
    for (const values of rows) {
      for (let i = 0, k = 1; i < row.length; i++) row[i] = hasColumn(mask, i) ? values[k++] : null;
      stored += everyColumn.run(row).changes;
    }
    return stored;
  }

  const isStored = sqlite.prepare('select 1 from clicks where id = ?').pluck();
  const addToRollup = sqlite.prepare(
    `insert into report_clicks (${CLICK_ROLLUP_COLUMNS.join(', ')}) values (${CLICK_ROLLUP_COLUMNS.map(() => '?').join(', ')})
     on conflict (${CLICK_ROLLUP_KEY.join(', ')}) do update set
       clicks = report_clicks.clicks + excluded.clicks,
       unique_clicks = report_clicks.unique_clicks + excluded.unique_clicks`,
  );

  // The batch's clicks and their rollup in one transaction. A replayed journal may hold clicks that
  // are stored (and rolled up) already: when fewer rows than given were stored, the transaction is
  // undone and written again with those clicks left out, so the rollup counts each click once.
  const transaction = sqlite.transaction((clicks: PackedClick[], leaveOutStored: boolean) => {
    const fresh = leaveOutStored ? newClicksOf(clicks) : clicks;
    let stored = 0;
    for (const [mask, rows] of byColumnSet(fresh)) stored += insertGroup(mask, rows);
    if (stored !== fresh.length) throw new SomeClicksStored();
    for (const r of rollUpPackedClicks(fresh)) addToRollup.run(CLICK_ROLLUP_COLUMNS.map((c) => r[c]));
  });

  function newClicksOf(clicks: PackedClick[]): PackedClick[] {
    const seen = new Set<unknown>();
    return clicks.filter((c) => {
      const id = c[PACKED_ID];
      if (seen.has(id) || isStored.get(id) !== undefined) return false;
      seen.add(id);
      return true;
    });
  }

  // IMMEDIATE: when another process holds the write lock, "busy" comes at BEGIN and is waited out.
  return (clicks) => {
    try {
      transaction.immediate(clicks, false);
    } catch (error) {
      if (!(ignoreStored && error instanceof SomeClicksStored)) throw error;
      transaction.immediate(clicks, true);
    }
  };
}

class SomeClicksStored extends Error {}
