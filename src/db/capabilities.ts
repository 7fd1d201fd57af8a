// What the store can do, named (sqlite/capabilities.ts, postgres/capabilities.ts). Feature code asks
// for a capability, never for a dialect.
export interface Capabilities {
  readonly dialect: 'sqlite' | 'postgres';
  /** Row locks that other claimers skip (FOR UPDATE SKIP LOCKED). */
  readonly skipLocked: boolean;
  /** Commit-time wake-ups between processes (LISTEN/NOTIFY). */
  readonly listenNotify: boolean;
  /** Only one writer at a time, in this process: work in batches and claim in one place. */
  readonly singleWriter: boolean;
  /**
   * Every statement is a round trip to a server, which costs far more than the rows it writes:
   * write a batch's rows with one statement per table rather than one per row.
   */
  readonly roundTripPerStatement: boolean;
}
