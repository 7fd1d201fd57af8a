// Prepared statements are reused across queries on SQLite. Kysely prepares every query it runs
// afresh, and preparing (parsing and planning the SQL) costs more than running a small statement;
// the hot paths repeat a handful of query shapes, so the driver gets each shape's statement from
// this cache. Bounded so one-off shapes (IN lists, multi-row inserts of every size) cannot grow
// it without limit. SQLite re-prepares a cached statement by itself after a schema change.
//
// Every statement on the store's connection is prepared here, Kysely's and the direct ones alike,
// which makes this the one place the store's read barrier (read-barrier.ts) can be passed before any
// statement outside a transaction runs.
import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';
import type { ReadBarrier } from './read-barrier.ts';

const DEFAULT_MAX_STATEMENTS = 500;

/** Kysely's view of a SQLite database, with better-sqlite3's own statements. */
export interface StatementCache extends SqliteDatabase {
  prepare(sql: string): SQLite.Statement;
}

export function withStatementCache(
  sqlite: SQLite.Database,
  readBarrier?: ReadBarrier,
  maxStatements = DEFAULT_MAX_STATEMENTS,
): StatementCache {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      // The read barrier: clicks answered before this statement are imported before it runs.
      if (readBarrier && !sqlite.inTransaction) readBarrier.pass();
      const cached = statements.get(sql);
      // A statement still iterating a streamed result cannot run another query: use a fresh one.
      if (cached && !cached.busy) return cached;
      const statement = sqlite.prepare(sql);
      if (!cached) {
        if (statements.size >= maxStatements) {
          // Maps iterate in insertion order: drop the oldest shape.
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) statements.delete(oldest);
        }
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
