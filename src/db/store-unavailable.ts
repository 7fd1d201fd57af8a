// Whether an error means the store cannot be reached right now (a restart, a failover, a dropped
// connection) rather than that a statement was wrong: the caller answers 503 and the client retries.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now, database_dropped.
  '57P01',
  '57P02',
  '57P03',
  '57P04',
]);
// PostgreSQL's connection_exception class (08xxx).
const CONNECTION_CLASS = /^08/;
// What pg says, without a code, of a connection it lost or could not make.
const CONNECTION_MESSAGES =
  /^(Connection terminated|Client has encountered a connection error|Client was closed|timeout exceeded when trying to connect)|is not currently accepting connections/;

export function isStoreUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = String((error as { code?: unknown }).code ?? '');
  return CONNECTION_CODES.has(code) || CONNECTION_CLASS.test(code) || CONNECTION_MESSAGES.test(error.message);
}

/** The part of a pino or Fastify logger this needs. */
interface FailureLog {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * Logs a failed store call: while the store is away every request fails alike, so those get one
 * short warning each instead of an error with a stack trace.
 */
export function logStoreFailure(log: FailureLog, error: unknown, what: string): void {
  if (isStoreUnavailable(error)) log.warn({ err: (error as Error).message }, `${what}: store unavailable`);
  else log.error({ err: error }, what);
}
