// What the store can do, named. Feature code asks for a capability, never for a dialect.
export interface Capabilities {
  readonly dialect: 'sqlite' | 'postgres';
  /** Row locks that other claimers skip (FOR UPDATE SKIP LOCKED). */
  readonly skipLocked: boolean;
  /** Commit-time wake-ups between processes (LISTEN/NOTIFY). */
  readonly listenNotify: boolean;
}

export const SQLITE_CAPABILITIES: Capabilities = Object.freeze({
  dialect: 'sqlite',
  skipLocked: false,
  listenNotify: false,
});

export const POSTGRES_CAPABILITIES: Capabilities = Object.freeze({
  dialect: 'postgres',
  skipLocked: true,
  listenNotify: true,
});
