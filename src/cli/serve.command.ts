// Runs the server: API and/or delivery worker by role, until SIGINT/SIGTERM, then drains and exits.
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { startServer } from '../server/start-server.ts';

export async function runServe(config: Config, log: Logger): Promise<number> {
  const server = await startServer(config, log);
  if (server.address) {
    console.log(`Trackwire listening on ${server.address} (store: ${server.ctx.store.capabilities.dialect})`);
    console.log(`  tracking links:  ${config.publicUrl}/c/<slug>`);
    console.log(`  inbound:         ${config.publicUrl}/postback?token=<advertiser token>&click_id=…`);
    console.log(
      `  admin API:       ${config.publicUrl}/api/v1  (OpenAPI: ${config.publicUrl}/api/v1/openapi.json)`,
    );
  }
  for (const line of server.banner) console.log(line);
  const stop = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  return 0;
}
