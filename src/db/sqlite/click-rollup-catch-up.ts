// The click rollup's catch-up on SQLite (common/click-rollup.ts): one IMMEDIATE transaction adds
// the clicks stored after the mark, by rowid, and moves the mark. SQLite has one writer at a time,
// so every rowid at or below the largest one is committed.
import type { Database } from 'better-sqlite3';
import { CATCH_UP_CHUNK, clickCatchUpSql } from '../common/click-rollup.ts';

export function createSqliteClickRollupCatchUp(sqlite: Database): () => number {
  // Prepared at the first call: the store opens before its migrations run.
  let catchUp: { immediate(): number } | undefined;
  const prepare = () => {
    const mark = sqlite.prepare('select rolled_through from report_click_progress where id = 1').pluck();
    const newest = sqlite.prepare('select coalesce(max(rowid), 0) from clicks').pluck();
    const adds = clickCatchUpSql('rowid', ['?', '?']).map((text) => sqlite.prepare(text));
    const move = sqlite.prepare('update report_click_progress set rolled_through = ? where id = 1');
    return sqlite.transaction((): number => {
      const from = Number(mark.get());
      const through = Math.min(Number(newest.get()), from + CATCH_UP_CHUNK);
      if (through <= from) return 0;
      for (const add of adds) add.run(from, through);
      move.run(through);
      return through - from;
    });
  };
  return () => {
    catchUp ??= prepare();
    return catchUp.immediate();
  };
}
