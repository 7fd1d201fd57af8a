// Starts what the role asks for on one store: the HTTP API, the delivery worker, or both.
import type { Logger } from 'pino';
import { ensureFirstAdminKey } from '../auth/api-key.service.ts';
import type { Config } from '../config/config.ts';
import { createJobRunner } from '../jobs/job-runner.ts';
import { setupLinkBanner } from '../users/setup-banner.ts';
import type { AppContext } from './app-context.ts';
import { createContext, openMigratedStore } from './context.ts';
import { registerPeriodicJobs } from './periodic-jobs.ts';

export interface RunningServer {
  ctx: AppContext;
  /** http://host:port when the API runs. */
  address?: string;
  /** The port /metrics listens on, when TRACKWIRE_METRICS_PORT is set. */
  metricsPort?: number;
  /** Lines to print once at start (a new admin key, for instance). */
  banner: string[];
  close(): Promise<void>;
}

export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const store = await openMigratedStore(config, log);
  const ctx = createContext(config, store, log);
  const banner: string[] = [];
  if (config.role !== 'worker')
    banner.push(...(await firstAdminKeyBanner(ctx)), ...(await setupLinkBanner(ctx)));
  const closers: Array<() => Promise<void>> = [];
  let address: string | undefined;
  let metricsPort: number | undefined;
  // Each role loads only its own half: a worker without the HTTP stack (Fastify, the routes and their
  // schemas) uses less memory, and a worker draining a backlog is the largest process.
  if (config.role !== 'worker') {
    const { buildApp } = await import('../http/app.ts');
    const app = await buildApp(ctx);
    await app.listen({ port: config.port, host: config.host });
    const port = (app.server.address() as { port: number }).port;
    address = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
    closers.push(() => app.close());
  }
  if (config.role !== 'api') {
    // Stopped after the API closes and before the store: in-flight attempts finish and are recorded.
    const { startDeliveryWorker } = await import('../deliveries/worker/delivery-worker.ts');
    const worker = startDeliveryWorker(ctx);
    closers.push(() => worker.stop());
    const { startSmartLinkOptimizer } = await import('../smartlinks/smartlink-optimizer.ts');
    const stopOptimizer = startSmartLinkOptimizer(ctx);
    closers.push(async () => stopOptimizer());
    const { startRollupCatchUp } = await import('../reports/rollup-catch-up.ts');
    const catchUp = startRollupCatchUp(store, log);
    closers.push(() => catchUp.stop());
  }
  // Every role scrapes and runs periodic jobs; the job leases keep each job on one node at a time.
  if (config.metricsPort !== undefined) {
    const { startMetricsServer } = await import('./metrics-server.ts');
    const metrics = await startMetricsServer(ctx, config.metricsPort, config.metricsHost);
    metricsPort = metrics.port;
    closers.push(() => metrics.close());
  }
  const jobs = createJobRunner({ db: store.db, clock: ctx.clock, log });
  const closeJobs = registerPeriodicJobs(ctx, jobs);
  jobs.start();
  closers.push(async () => {
    await jobs.stop();
    await closeJobs();
  });
  closers.push(() => store.close());
  return {
    ctx,
    address,
    metricsPort,
    banner,
    async close() {
      for (const close of closers) await close();
    },
  };
}

/** Without TRACKWIRE_ADMIN_KEY, the first start makes an admin key and shows it this once. */
async function firstAdminKeyBanner(ctx: AppContext): Promise<string[]> {
  if (ctx.config.adminKey) return [];
  const key = await ensureFirstAdminKey(ctx.store.db, ctx.clock.now());
  if (!key) return [];
  return [
    '',
    'No admin API key existed, so one was created. It is shown this once; store it now:',
    '',
    `  ${key}`,
    '',
    `Use it as "Authorization: Bearer <key>" on ${ctx.config.publicUrl}/api/v1 (more keys: trackwire keys create).`,
    '',
  ];
}
