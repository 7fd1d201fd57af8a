// Starts the real HTTP application on a loopback port over a test store.
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { type Config, loadConfig } from '../../src/config/config.ts';
import type { Store } from '../../src/db/store.ts';
import { buildApp } from '../../src/http/app.ts';
import type { AppContext } from '../../src/server/app-context.ts';
import { createContext } from '../../src/server/context.ts';
import type { Clock } from '../../src/shared/clock.ts';

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  /** http://127.0.0.1:port */
  url: string;
  close(): Promise<void>;
}

export const TEST_ADMIN_KEY = 'tw_admin_test_key_0123456789abcdef';

export function testConfig(overrides: Partial<Config> = {}): Config {
  return loadConfig(
    {
      TRACKWIRE_ADMIN_KEY: TEST_ADMIN_KEY,
      TRACKWIRE_ALLOW_PRIVATE_TARGETS: 'true',
      TRACKWIRE_LOG_LEVEL: 'silent',
    },
    overrides,
  );
}

export async function startTestApp(
  store: Store,
  overrides: Partial<Config> = {},
  clock?: Clock,
): Promise<TestApp> {
  const config = testConfig(overrides);
  const log = pino({ level: process.env.TRACKWIRE_TEST_LOG ?? 'silent' });
  const ctx = createContext(config, store, log, clock);
  const app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  return { app, ctx, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
