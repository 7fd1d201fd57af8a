import type { Db } from '../db/database.types.ts';
import type { NewAuditLogRow } from './audit.table.ts';

export async function insertAuditEntry(db: Db, row: NewAuditLogRow): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
}

export function listAuditEntries(
  db: Db,
  opts: { beforeId?: number; limit: number; resource?: string; actor?: string; from?: number; to?: number },
) {
  let q = db
    .selectFrom('audit_log')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(opts.limit + 1);
  if (opts.beforeId !== undefined) q = q.where('id', '<', opts.beforeId);
  if (opts.resource) q = q.where('resource', '=', opts.resource);
  if (opts.actor) q = q.where('actor', '=', opts.actor);
  if (opts.from !== undefined) q = q.where('at', '>=', opts.from);
  if (opts.to !== undefined) q = q.where('at', '<', opts.to);
  return q.execute();
}
