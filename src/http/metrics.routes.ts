// GET /metrics on the API port: only when TRACKWIRE_METRICS_TOKEN is set (and then only with it).
// Without a token the metrics are served on TRACKWIRE_METRICS_PORT alone, if that is set.
import type { FastifyInstance } from 'fastify';
import { answerMetrics } from '../metrics/metrics-endpoint.ts';
import { metricsRegistryFor } from '../metrics/metrics-registry.ts';
import type { AppContext } from '../server/app-context.ts';

export function registerMetricsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const token = ctx.config.metricsToken;
  if (token === undefined) return;
  const registry = metricsRegistryFor(ctx);
  app.get('/metrics', async (request, reply) => {
    const answer = await answerMetrics(registry, token, request.headers.authorization);
    return reply.status(answer.status).type(answer.contentType).send(answer.body);
  });
}
