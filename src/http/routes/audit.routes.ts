// GET /api/v1/audit-log: who changed what and when, newest first. Admin only.
import type { FastifyInstance } from 'fastify';
import { AuditEntry, AuditQuery } from '../../audit/audit.schemas.ts';
import { listChanges, toAuditView } from '../../audit/audit.service.ts';
import { requireRole } from '../../auth/principal.ts';
import type { AppContext } from '../../server/app-context.ts';
import { parseIdCursor } from '../../shared/cursor.ts';
import { DEFAULT_PAGE_SIZE, PageOf, toPage } from '../../shared/pagination.ts';

export function registerAuditRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.get<{ Querystring: AuditQuery }>(
    '/audit-log',
    { schema: { tags: ['audit'], querystring: AuditQuery, response: { 200: PageOf(AuditEntry) } } },
    async (request) => {
      requireRole(request, 'admin');
      const q = request.query;
      const limit = q.limit ?? DEFAULT_PAGE_SIZE;
      const rows = await listChanges(ctx, {
        beforeId: parseIdCursor(q.cursor),
        limit,
        resource: q.resource,
        actor: q.actor,
        from: q.from,
        to: q.to,
      });
      return toPage(rows, limit, (r) => r.id, toAuditView);
    },
  );
}
