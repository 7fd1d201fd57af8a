// Kysely's SQLite dialect, with two changes that let other connections write to the same file (a
// `trackwire worker` process beside the server, a CLI command) without blocking the event loop:
//
// - Transactions begin IMMEDIATE: they take the write lock up front. A deferred transaction that
//   reads and then writes fails with SQLITE_BUSY_SNAPSHOT, without waiting, when another connection
//   committed in between; an immediate one can only be told "busy" at its start.
// - "Busy" is waited out asynchronously. SQLite's own busy handler sleeps the calling thread, which
//   here is the event loop; instead the connection runs with busy_timeout 0 and a statement that
//   finds the database locked outside a transaction (BEGIN IMMEDIATE, or a lone write) is retried
//   after yielding, for up to BUSY_LIMIT_MS. Inside a transaction we hold the write lock, so a busy
//   error there is a real failure and is thrown.
import type SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';

const BUSY_LIMIT_MS = 5_000;

export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** First a few turns of the event loop, then sleeps that grow to 20 ms. */
function pause(attempt: number): Promise<void> {
  if (attempt < 3) return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => setTimeout(resolve, Math.min(2 ** (attempt - 3), 20)));
}

/**
 * Runs `work` (a lone statement, or a transaction that begins IMMEDIATE) again while it finds the
 * database locked by another connection, yielding to the event loop in between.
 */
export async function waitOutBusy<T>(sqlite: SQLite.Database, work: () => T | Promise<T>): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isBusy(error) || sqlite.inTransaction || Date.now() - started > BUSY_LIMIT_MS) throw error;
      await pause(attempt);
    }
  }
}

function waitingOutBusy(connection: DatabaseConnection, sqlite: SQLite.Database): DatabaseConnection {
  return {
    executeQuery: <R>(query: CompiledQuery): Promise<QueryResult<R>> =>
      waitOutBusy(sqlite, () => connection.executeQuery<R>(query)),
    streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
  };
}

class SharedFileSqliteDriver extends SqliteDriver {
  constructor(
    config: SqliteDialectConfig,
    private readonly sqlite: SQLite.Database,
  ) {
    super(config);
  }

  // SQLite has one connection: it is wrapped once, not on every query.
  private wrapped: DatabaseConnection | undefined;

  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    this.wrapped ??= waitingOutBusy(connection, this.sqlite);
    return this.wrapped;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

export class SharedFileSqliteDialect extends SqliteDialect {
  constructor(
    private readonly dialectConfig: SqliteDialectConfig,
    private readonly sqlite: SQLite.Database,
  ) {
    super(dialectConfig);
  }

  override createDriver(): Driver {
    return new SharedFileSqliteDriver(this.dialectConfig, this.sqlite);
  }
}
