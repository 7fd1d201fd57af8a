// Builds the HTTP application: one Fastify instance, every feature's routes, one error shape.
import { createServer } from 'node:http';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { AppContext } from '../server/app-context.ts';
import { registerAdminRoutes } from './admin.routes.ts';
import { installErrorHandler } from './error-handler.ts';
import { registerHealthRoutes } from './health.routes.ts';
import { installJsonBodyParser } from './json-body-parser.ts';
import { registerMetricsRoutes } from './metrics.routes.ts';
import { registerClickRoutes } from './routes/click.routes.ts';
import type { RawRequestHandler } from './routes/click-fast-path.ts';
import { registerDashboardRoutes } from './routes/dashboard.routes.ts';
import { registerInboundPostbackRoutes } from './routes/inbound.routes.ts';

export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  // Tracking-link clicks are answered on node:http directly when they can be; the rest is Fastify's.
  let clickFastPath: RawRequestHandler | undefined;
  const app = Fastify({
    serverFactory: (handler) => {
      const server = createServer((req, res) => {
        if (!clickFastPath?.(req, res)) handler(req, res);
      });
      server.keepAliveTimeout = 72_000; // what Fastify sets on a server it creates itself
      return server;
    },
    // pino's Logger is a FastifyBaseLogger; the cast keeps FastifyInstance's default generics.
    loggerInstance: ctx.log.child({ component: 'http' }) as FastifyBaseLogger,
    // One log line per request would cost more than the click itself; attempts and hits log their own.
    logController: new LogController({ disableRequestLogging: true }),
    // Our own proxy check (TRACKWIRE_TRUSTED_PROXIES) decides which X-Forwarded-For to believe.
    trustProxy: false,
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Unknown fields are refused, never stripped; `verbose` lets the error name every one of them.
    ajv: { customOptions: { removeAdditional: false, verbose: true } },
  });
  installErrorHandler(app);
  installJsonBodyParser(app);
  await app.register(formbody);
  registerHealthRoutes(app, ctx);
  registerMetricsRoutes(app, ctx);
  clickFastPath = registerClickRoutes(app, ctx);
  registerInboundPostbackRoutes(app, ctx);
  await registerAdminRoutes(app, ctx);
  await registerDashboardRoutes(app);
  return app;
}
