// GET /c/:slug — the tracking link. Resolve the slug (cached), record the click (group commit) and
// only after its commit answer 302 to the offer URL. HEAD checks a link without recording a click.
// The routes are Fastify's (OpenAPI, inject, anything unusual); plain click requests take the raw
// fast path returned from here, which answers identically.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../../server/app-context.ts';
import { createClickFollower } from '../../tracking/capture/click-follower.ts';
import { HTML, NOT_FOUND_PAGE, UNAVAILABLE_PAGE } from '../../tracking/capture/click-pages.ts';
import { queryStringOf } from '../../tracking/capture/click-params.ts';
import { createClickFastPath, type RawRequestHandler } from './click-fast-path.ts';

interface SlugRequest {
  Params: { slug: string };
}

function sendPage(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).header('content-type', HTML).header('cache-control', 'no-store').send(body);
}

/** Registers the click routes and returns the raw node:http handler for GET /c/:slug. */
export function registerClickRoutes(app: FastifyInstance, ctx: AppContext): RawRequestHandler {
  const follower = createClickFollower(ctx);
  app.addHook('onClose', () => follower.close());

  app.get<SlugRequest>('/c/:slug', { exposeHeadRoute: false }, async (request, reply) => {
    const outcome = await follower.follow({
      slug: request.params.slug,
      queryString: queryStringOf(request.raw.url ?? ''),
      socketAddress: request.socket.remoteAddress,
      forwardedFor: request.headers['x-forwarded-for'],
      userAgent: request.headers['user-agent'],
      referrer: request.headers.referer,
      acceptLanguage: request.headers['accept-language'],
      cookie: request.headers.cookie,
    });
    if (outcome.status !== 302) {
      return sendPage(reply, outcome.status, outcome.status === 404 ? NOT_FOUND_PAGE : UNAVAILABLE_PAGE);
    }
    return reply
      .code(302)
      .header('location', outcome.location)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer-when-downgrade')
      .send();
  });

  // Link checkers and prefetchers: say whether the link works, record nothing, reveal no destination.
  app.head<SlugRequest>('/c/:slug', async (request, reply) => {
    const status = await follower.probe(request.params.slug);
    return reply.code(status).header('content-type', HTML).header('cache-control', 'no-store').send();
  });

  return createClickFastPath(follower);
}
