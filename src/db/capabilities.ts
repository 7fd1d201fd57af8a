// What the store can do, named (sqlite/capabilities.ts, postgres/capabilities.ts). Feature code asks
// for a capability, never for a dialect.
export interface Capabilities {
  readonly dialect: 'sqlite' | 'postgres';
  /** Row locks that other claimers skip (FOR UPDATE SKIP LOCKED). */
  readonly skipLocked: boolean;
  /** Commit-time wake-ups between processes (LISTEN/NOTIFY). */
  readonly listenNotify: boolean;
}
