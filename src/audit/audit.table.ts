import type { Generated, Insertable, Selectable } from 'kysely';

/** One change made through the API or the dashboard. */
export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  /** `key:<id>`, `user:<id>` or `env` (TRACKWIRE_ADMIN_KEY). */
  actor: string;
  role: string;
  /** api (a key) or dashboard (a session). */
  via: string;
  method: string;
  /** The route pattern with its parameters filled in, query left out. */
  path: string;
  /** The first path segment after /api/v1 (advertisers, postbacks…). */
  resource: string;
  resource_id: string | null;
  status_code: number;
  /** JSON, secrets redacted; null when there was no earlier state to read. */
  before: string | null;
  after: string | null;
}
export type AuditLogRow = Selectable<AuditLogTable>;
export type NewAuditLogRow = Insertable<AuditLogTable>;
