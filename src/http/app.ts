// Builds the HTTP application: one Fastify instance, every feature's routes, one error shape.
import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { registerAdminRoutes } from '../admin/admin.routes.ts';
import { registerClickRoutes } from '../clicks/click.routes.ts';
import { registerInboundPostbackRoutes } from '../conversions/inbound.routes.ts';
import type { AppContext } from './context.ts';
import { installErrorHandler } from './error-handler.ts';
import { registerHealthRoutes } from './health.routes.ts';

export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps FastifyInstance's default generics.
    loggerInstance: ctx.log.child({ component: 'http' }) as FastifyBaseLogger,
    // One log line per request would cost more than the click itself; attempts and hits log their own.
    logController: new LogController({ disableRequestLogging: true }),
    // Our own proxy check (TRACKWIRE_TRUSTED_PROXIES) decides which X-Forwarded-For to believe.
    trustProxy: false,
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });
  installErrorHandler(app);
  await app.register(formbody);
  registerHealthRoutes(app, ctx);
  registerClickRoutes(app, ctx);
  registerInboundPostbackRoutes(app, ctx);
  await registerAdminRoutes(app, ctx);
  return app;
}
