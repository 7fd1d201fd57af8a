// Recognises a unique-constraint violation from either store, for races a pre-check cannot close
// (a dedupe key or a slug taken by a concurrent writer).
const UNIQUE_CODES = new Set(['23505', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNIQUE_CODES.has(code);
}

/**
 * A PostgreSQL deadlock: concurrent transactions (inbound batches, whose conversion triggers add to
 * shared report rollup rows in batch order) waited on each other and one was rolled back whole, so
 * it can be started over.
 */
export function isDeadlock(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '40P01';
}
