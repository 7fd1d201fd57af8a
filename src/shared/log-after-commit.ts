// Log lines about what a transaction writes, held until it has committed. A line logged inside
// the transaction speaks for a change that a later statement, or the commit itself, can still roll
// back; and a write that is tried again after such a failure (the delivery worker retries its
// outcome writes) would log the same event twice.
import type { Logger } from 'pino';

/** The part of a logger that transactional code logs its events through. */
export interface EventLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

type Level = keyof EventLog;

export class LogAfterCommit implements EventLog {
  readonly #lines: { level: Level; fields: object; message: string }[] = [];

  info(fields: object, message: string): void {
    this.#lines.push({ level: 'info', fields, message });
  }

  warn(fields: object, message: string): void {
    this.#lines.push({ level: 'warn', fields, message });
  }

  /** Writes the held lines to `log`, in order; call it once the transaction has committed. */
  writeTo(log: Logger): void {
    for (const { level, fields, message } of this.#lines) log[level](fields, message);
  }
}
