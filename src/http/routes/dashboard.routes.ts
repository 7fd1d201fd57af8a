// Serves the web app built by Vite (web/dist): hashed assets under /assets/ cached for good, and
// index.html for every route of the app (the SPA fallback), never cached, so a new build shows at once.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** The app's top-level paths; everything else (/api/v1, /c/…, /postback…, /healthz) is the server's. */
export const APP_ROUTES = [
  'signin',
  'setup',
  'invite',
  'advertisers',
  'offers',
  'publishers',
  'links',
  'postbacks',
  'conversions',
  'keys',
  'users',
  'reports',
  'inbound-hits',
  'clicks',
  'deliveries',
  'alerts',
  'alert-channels',
  'review',
  'rewards',
];

const NOT_BUILT = `<!doctype html><html lang="en"><title>Trackwire</title><body><p>The dashboard is not built.
Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it when missing).</p></body></html>`;

export async function registerDashboardRoutes(app: FastifyInstance, distDir = WEB_DIST): Promise<void> {
  const indexPath = `${distDir}index.html`;
  // Read once: the file changes only with a new build, which comes with a restart.
  const index = existsSync(indexPath) ? readFileSync(indexPath) : undefined;
  if (existsSync(`${distDir}assets`)) {
    await app.register(fastifyStatic, {
      root: `${distDir}assets`,
      prefix: '/assets/',
      immutable: true,
      maxAge: '365d',
      index: false,
      wildcard: true,
    });
  }
  const sendIndex = (_request: unknown, reply: FastifyReply) =>
    reply
      .status(index ? 200 : 503)
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .header('x-frame-options', 'DENY')
      .type('text/html; charset=utf-8')
      .send(index ?? NOT_BUILT);
  app.get('/', sendIndex);
  for (const route of APP_ROUTES) {
    app.get(`/${route}`, sendIndex);
    app.get(`/${route}/*`, sendIndex);
  }
  if (existsSync(`${distDir}favicon.svg`)) {
    const icon = readFileSync(`${distDir}favicon.svg`);
    app.get('/favicon.svg', (_request, reply) =>
      reply.header('cache-control', 'public, max-age=86400').type('image/svg+xml').send(icon),
    );
  }
}
