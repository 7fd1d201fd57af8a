// /api/v1/retention: the data retention settings, and a run on demand. Admin only.
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../../auth/principal.ts';
import { RetentionRun, RetentionSettings, UpdateRetentionBody } from '../../retention/retention.schemas.ts';
import {
  applyRetention,
  getRetentionSettings,
  updateRetentionSettings,
} from '../../retention/retention.service.ts';
import { RETENTION_BATCH_SIZE } from '../../retention/retention-job.ts';
import type { AppContext } from '../../server/app-context.ts';

export function registerRetentionRoutes(api: FastifyInstance, ctx: AppContext): void {
  const tags = ['retention'];
  api.get('/retention', { schema: { tags, response: { 200: RetentionSettings } } }, async (request) => {
    requireRole(request, 'admin');
    return getRetentionSettings(ctx);
  });

  api.patch<{ Body: UpdateRetentionBody }>(
    '/retention',
    { schema: { tags, body: UpdateRetentionBody, response: { 200: RetentionSettings } } },
    async (request) => {
      requireRole(request, 'admin');
      return updateRetentionSettings(ctx, request.body);
    },
  );

  api.post(
    '/retention/run',
    {
      schema: {
        tags,
        summary: 'apply the settings now (the daily run does the same)',
        response: { 200: RetentionRun },
      },
    },
    async (request) => {
      requireRole(request, 'admin');
      return applyRetention(ctx, { now: ctx.clock.now(), batchSize: RETENTION_BATCH_SIZE });
    },
  );
}
