import type { FastifyInstance } from 'fastify';
import { isMigrated } from '../db/migrate.ts';
import type { AppContext } from '../server/app-context.ts';
import { probes, WORKER_LAST_ROUND_PROBE } from '../shared/counters.ts';
import { errorBody } from '../shared/errors.ts';

/** A worker loop that has not finished a round for this long is stuck (a round lasts ≤ the poll). */
const workerStaleAfterMs = (pollMs: number) => Math.max(30_000, 3 * pollMs);

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

  // Readiness: the store answers, every migration is applied, and when this process runs the
  // delivery worker, its loop is going round (a stuck or failing loop claims nothing).
  app.get('/readyz', async (_request, reply) => {
    const checks: Record<string, 'ok' | 'failing' | 'not_run'> = {
      store: 'ok',
      migrations: 'ok',
      worker: 'not_run',
    };
    try {
      if (!(await isMigrated(ctx.store.db, ctx.store.capabilities))) checks.migrations = 'failing';
    } catch {
      checks.store = 'failing';
      checks.migrations = 'failing';
    }
    if (ctx.config.role !== 'api') {
      const lastRound = probes.get(WORKER_LAST_ROUND_PROBE)?.();
      const fresh =
        lastRound !== undefined && Date.now() - lastRound < workerStaleAfterMs(ctx.config.workerPollMs);
      checks.worker = fresh ? 'ok' : 'failing';
    }
    const ready = Object.values(checks).every((c) => c !== 'failing');
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });
}
