// Named statements on PostgreSQL. Kysely sends every query unnamed, so the server parses and plans
// it on every execution, however often its text repeats; for the short statements of the hot paths
// that costs the backend more than running them. The pool handed to Kysely sends the SQL that
// prepared queries (prepared-query.ts) compiled as named statements instead: each connection
// prepares it once, then only binds and executes it. Everything else goes through unchanged.
// (A pooler in front of PostgreSQL must pass prepared statements through: PgBouncer does from
// 1.21 on, with max_prepared_statements set.)
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

// SQL text → statement name, one name per text for the whole process: pg refuses a name that a
// connection already prepared with another text.
const names = new Map<string, string>();

/** Marks `sql` to be sent as a named statement. */
export function nameStatement(sql: string): void {
  if (!names.has(sql)) names.set(sql, `trackwire_q${names.size + 1}`);
}

/** `pool` as Kysely's PostgreSQL dialect takes it, sending marked SQL as named statements. */
export function withNamedStatements(pool: pg.Pool): PostgresPool {
  // One wrapper per pooled connection, so Kysely keeps one connection object per client as it would.
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  function wrap(client: pg.PoolClient): PostgresPoolClient {
    const query = (textOrCursor: string | object, values?: readonly unknown[]) => {
      const name = typeof textOrCursor === 'string' ? names.get(textOrCursor) : undefined;
      if (name) return client.query({ name, text: textOrCursor as string, values: values as unknown[] });
      return client.query(textOrCursor as string, values as unknown[]);
    };
    return { query: query as unknown as PostgresPoolClient['query'], release: () => client.release() };
  }
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = wrap(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}
