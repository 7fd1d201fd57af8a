// Hot query shapes built and compiled once instead of on every call. Kysely builds an operation
// tree and compiles it to SQL for each query, which costs more than SQLite takes to run a primary
// key lookup; a query that only ever changes its values can reuse the compiled SQL. The query is
// built with placeholder values, compiled once per dialect (adapter), and each call swaps the
// caller's values into the compiled parameter list. Works on every store: only the dialect's own
// compiler produces the SQL. (On SQLite the driver also reuses the prepared statement for that SQL.)
import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import type { Db } from './database.types.ts';

class Slot {
  constructor(readonly index: number) {}
}

interface Compiled {
  sql: string;
  query: CompiledQuery['query'];
  /** Per compiled parameter: the caller's argument index, or a constant kept from the build. */
  params: ({ slot: number } | { value: unknown })[];
}

/**
 * `build` receives the handle and one placeholder per argument (typed `any` so it fits any column);
 * it must produce the same shape whatever the values are (no branching on them).
 */
export function preparedQuery<A extends readonly unknown[], R>(
  arity: A['length'],
  // biome-ignore lint/suspicious/noExplicitAny: placeholders stand in for values of any column type
  build: (db: Db, ...slots: any[]) => Compilable<R>,
): (db: Db, ...args: A) => Promise<QueryResult<R>> {
  const byAdapter = new WeakMap<object, Compiled>();
  const slots = Array.from({ length: arity }, (_, i) => new Slot(i));
  return (db, ...args) => {
    const adapter = db.getExecutor().adapter;
    let compiled = byAdapter.get(adapter);
    if (!compiled) {
      const query = build(db, ...slots).compile();
      compiled = {
        sql: query.sql,
        query: query.query,
        params: query.parameters.map((p) => (p instanceof Slot ? { slot: p.index } : { value: p })),
      };
      byAdapter.set(adapter, compiled);
    }
    const parameters = compiled.params.map((p) => ('slot' in p ? args[p.slot] : p.value));
    return db.executeQuery<R>({
      sql: compiled.sql,
      query: compiled.query,
      parameters,
      queryId: { queryId: '' },
    } as CompiledQuery<R>);
  };
}
