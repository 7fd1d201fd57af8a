// Starts what the role asks for on one store: the HTTP API, the delivery worker, or both.
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { buildApp } from '../http/app.ts';
import type { AppContext } from '../http/context.ts';
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
  const closers: Array<() => Promise<void>> = [];
  let address: string | undefined;
  if (config.role !== 'worker') {
    const app = await buildApp(ctx);
    await app.listen({ port: config.port, host: config.host });
    const port = (app.server.address() as { port: number }).port;
    address = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
    closers.push(() => app.close());
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
