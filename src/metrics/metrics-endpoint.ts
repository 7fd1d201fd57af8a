// GET /metrics, independent of the HTTP server that carries it (the API's Fastify instance, or the
// separate TRACKWIRE_METRICS_PORT listener): the bearer check and the exposition text.
import { timingSafeEqual } from 'node:crypto';
import type { Registry } from 'prom-client';

export interface MetricsAnswer {
  status: 200 | 401;
  contentType: string;
  body: string;
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Answers a scrape; with a token configured, only a request bearing it gets the metrics. */
export async function answerMetrics(
  registry: Registry,
  token: string | undefined,
  authorization: string | undefined,
): Promise<MetricsAnswer> {
  if (token !== undefined && !tokenMatches(authorization, token)) {
    return {
      status: 401,
      contentType: 'application/json; charset=utf-8',
      body: JSON.stringify({ error: { code: 'unauthorized', message: 'a valid metrics token is required' } }),
    };
  }
  return { status: 200, contentType: registry.contentType, body: await registry.metrics() };
}
