// The audit log: one entry per change made through the API or the dashboard, secrets redacted.
import type { AppContext } from '../server/app-context.ts';
import { insertAuditEntry, listAuditEntries } from './audit.repository.ts';
import type { AuditLogRow } from './audit.table.ts';
import { redactSecrets } from './redact.ts';

/** Larger states are kept as their first characters (a check's report, a long list). */
const MAX_STATE_CHARS = 32_768;

export interface AuditChange {
  actor: string;
  role: string;
  via: 'api' | 'dashboard';
  method: string;
  path: string;
  resource: string;
  resourceId: string | null;
  statusCode: number;
  /** Parsed JSON states; redacted here. */
  before: unknown;
  after: unknown;
}

function stateText(state: unknown): string | null {
  if (state === undefined || state === null) return null;
  const text = JSON.stringify(state);
  return text.length > MAX_STATE_CHARS ? JSON.stringify({ truncated: text.slice(0, MAX_STATE_CHARS) }) : text;
}

export async function recordChange(ctx: AppContext, change: AuditChange): Promise<void> {
  const [before, after] = redactSecrets(change.before, change.after);
  await insertAuditEntry(ctx.store.db, {
    at: ctx.clock.now(),
    actor: change.actor,
    role: change.role,
    via: change.via,
    method: change.method,
    path: change.path,
    resource: change.resource,
    resource_id: change.resourceId,
    status_code: change.statusCode,
    before: stateText(before),
    after: stateText(after),
  });
}

export const listChanges = (ctx: AppContext, opts: Parameters<typeof listAuditEntries>[1]) =>
  listAuditEntries(ctx.store.db, opts);

export function toAuditView(row: AuditLogRow) {
  return {
    id: Number(row.id),
    at: Number(row.at),
    actor: row.actor,
    role: row.role,
    via: row.via,
    method: row.method,
    path: row.path,
    resource: row.resource,
    resourceId: row.resource_id,
    statusCode: Number(row.status_code),
    before: row.before === null ? null : JSON.parse(row.before),
    after: row.after === null ? null : JSON.parse(row.after),
  };
}
