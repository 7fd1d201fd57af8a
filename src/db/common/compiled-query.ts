// A query shape built once with placeholders and compiled per dialect; each call swaps its values
// into the compiled parameter list (see ../prepared-query.ts).
import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import type { Db } from '../database.types.ts';

class Slot {
  constructor(readonly index: number) {}
}

export interface Compiled {
  sql: string;
  query: CompiledQuery['query'];
  /** Per compiled parameter: the caller's argument index, or a constant kept from the build. */
  params: ({ slot: number } | { value: unknown })[];
}

/** The query `build` makes on `db`'s dialect, compiled with one placeholder per argument. */
export function compileWithPlaceholders<R>(
  db: Db,
  arity: number,
  // biome-ignore lint/suspicious/noExplicitAny: placeholders stand in for values of any column type
  build: (db: Db, ...slots: any[]) => Compilable<R>,
): Compiled {
  const query = build(db, ...Array.from({ length: arity }, (_, i) => new Slot(i))).compile();
  if (/\b(select|returning) \*/i.test(query.sql))
    throw new Error(`a prepared query must name its columns, not select or return *: ${query.sql}`);
  return {
    sql: query.sql,
    query: query.query,
    params: query.parameters.map((p) => (p instanceof Slot ? { slot: p.index } : { value: p })),
  };
}

/** The compiled query's parameters for these arguments. */
export function parametersOf(compiled: Compiled, args: readonly unknown[]): unknown[] {
  return compiled.params.map((p) => ('slot' in p ? args[p.slot] : p.value));
}

/** Runs the compiled query Kysely's way, on the handle's connection or transaction. */
export function executeCompiled<R>(
  db: Db,
  compiled: Compiled,
  parameters: unknown[],
): Promise<QueryResult<R>> {
  return db.executeQuery<R>({
    sql: compiled.sql,
    query: compiled.query,
    parameters,
    queryId: { queryId: '' },
  } as CompiledQuery<R>);
}
