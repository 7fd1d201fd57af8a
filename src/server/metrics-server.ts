// The separate /metrics listener (TRACKWIRE_METRICS_PORT on TRACKWIRE_METRICS_HOST), which every
// role runs, so a worker-only node can be scraped too. Keep it on a private interface.
import { createServer } from 'node:http';
import { answerMetrics } from '../metrics/metrics-endpoint.ts';
import { metricsRegistryFor } from '../metrics/metrics-registry.ts';
import type { AppContext } from './app-context.ts';

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(
  ctx: AppContext,
  port: number,
  host: string,
): Promise<MetricsServer> {
  const registry = metricsRegistryFor(ctx);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    answerMetrics(registry, ctx.config.metricsToken, req.headers.authorization).then(
      (answer) => res.writeHead(answer.status, { 'content-type': answer.contentType }).end(answer.body),
      (err) => {
        ctx.log.warn({ err }, 'metrics scrape failed');
        res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
