// Starts what the role asks for on one store: the HTTP API, the delivery worker, or both.
import type { Logger } from 'pino';
import { ensureFirstAdminKey } from '../auth/api-key.service.ts';
import type { Config } from '../config/config.ts';
import { setupLinkBanner } from '../users/setup-banner.ts';
import type { AppContext } from './app-context.ts';
import { createContext, openMigratedStore } from './context.ts';

export interface RunningServer {
  ctx: AppContext;
  /** http://host:port when the API runs. */
  address?: string;
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
    const { startRollupCatchUp } = await import('../reports/rollup-catch-up.ts');
    const catchUp = startRollupCatchUp(store, log);
    closers.push(() => catchUp.stop());
  }
  closers.push(() => store.close());
  return {
    ctx,
    address,
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
