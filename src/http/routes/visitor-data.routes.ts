// /api/v1/visitor-data: one visitor's clicks and conversions, by click id or IP — exported (GET)
// or erased (DELETE) for a data-protection request. Admin only.
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../../auth/principal.ts';
import { VisitorDeletion, VisitorExport, VisitorQuery } from '../../privacy/visitor-data.schemas.ts';
import { deleteVisitorData, exportVisitorData } from '../../privacy/visitor-data.service.ts';
import type { AppContext } from '../../server/app-context.ts';

export function registerVisitorDataRoutes(api: FastifyInstance, ctx: AppContext): void {
  const tags = ['privacy'];
  api.get<{ Querystring: VisitorQuery }>(
    '/visitor-data',
    { schema: { tags, querystring: VisitorQuery, response: { 200: VisitorExport } } },
    async (request) => {
      requireRole(request, 'admin');
      return exportVisitorData(ctx, request.query);
    },
  );

  api.delete<{ Querystring: VisitorQuery }>(
    '/visitor-data',
    { schema: { tags, querystring: VisitorQuery, response: { 200: VisitorDeletion } } },
    async (request) => {
      requireRole(request, 'admin');
      return deleteVisitorData(ctx, request.query);
    },
  );
}
