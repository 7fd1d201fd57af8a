import type { FastifyInstance } from 'fastify';
import { isMigrated } from '../db/migrate.ts';
import type { AppContext } from '../server/app-context.ts';
import { errorBody } from '../shared/errors.ts';

export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/healthz', async (_request, reply) => {
    try {
      if (!(await isMigrated(ctx.store.db, ctx.store.capabilities))) {
        return reply.status(503).send(errorBody('unavailable', 'the store is not migrated'));
      }
      return { status: 'ok', store: ctx.store.capabilities.dialect };
    } catch {
      return reply.status(503).send(errorBody('unavailable', 'the store is not reachable'));
    }
  });
}
