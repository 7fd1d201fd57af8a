// GET /c/:slug — the tracking link. Resolve the slug (cached), record the click (group commit) and
// only after its commit answer 302 to the offer URL. HEAD checks a link without recording a click.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../http/context.ts';
import { parseCidrList } from '../shared/cidr.ts';
import { findClickTargetBySlug } from './click.repository.ts';
import { buildClick, destinationFor } from './click.service.ts';
import type { ClickRow } from './click.table.ts';
import { createClickInserter } from './click-inserter.ts';
import { HTML, NOT_FOUND_PAGE, UNAVAILABLE_PAGE } from './click-pages.ts';
import type { Query } from './click-params.ts';
import { type ClickTarget, toClickTarget } from './click-target.ts';
import { ClickTargetCache } from './click-target-cache.ts';
import { ClickWriter } from './click-writer.ts';
import { resolveClientIp } from './client-ip.ts';
import { loadCountryDatabase } from './geo-country.ts';

interface SlugRequest {
  Params: { slug: string };
  Querystring: Query;
}

function sendPage(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).header('content-type', HTML).header('cache-control', 'no-store').send(body);
}

export function registerClickRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx.store;
  const log = ctx.log.child({ component: 'clicks' });
  const trustedProxies = ctx.config.trustedProxies.length
    ? parseCidrList(ctx.config.trustedProxies)
    : undefined;
  const targets = new ClickTargetCache<ClickTarget>(async (slug) => {
    const row = await findClickTargetBySlug(db, slug);
    return row ? toClickTarget(row) : null;
  });
  const writer = new ClickWriter<ClickRow>(createClickInserter(ctx.store), {
    onBatchError: (err, size) => log.warn({ err, size }, 'click batch failed; retrying row by row'),
  });
  const dropTargets = () => targets.clear();
  ctx.events.on('catalog.changed', dropTargets);
  void loadCountryDatabase((err) => log.warn({ err }, 'country database unavailable; clicks get no country'));
  app.addHook('onClose', async () => {
    ctx.events.off('catalog.changed', dropTargets);
    await writer.close();
  });

  async function resolve(request: FastifyRequest<SlugRequest>): Promise<ClickTarget | null | undefined> {
    try {
      return await targets.get(request.params.slug);
    } catch (err) {
      log.error({ err }, 'click target lookup failed');
      return undefined;
    }
  }

  app.get<SlugRequest>('/c/:slug', { exposeHeadRoute: false }, async (request, reply) => {
    const target = await resolve(request);
    if (target === undefined) return sendPage(reply, 503, UNAVAILABLE_PAGE);
    if (target === null) return sendPage(reply, 404, NOT_FOUND_PAGE);
    let click: ClickRow;
    let location: string;
    try {
      click = buildClick(target, {
        query: request.query,
        ip: resolveClientIp(request.socket.remoteAddress, request.headers['x-forwarded-for'], trustedProxies),
        userAgent: request.headers['user-agent'],
        referrer: request.headers.referer,
        now: ctx.clock.now(),
      });
      location = destinationFor(target, click);
    } catch (err) {
      log.error({ err, slug: request.params.slug }, 'click could not be built');
      return sendPage(reply, 503, UNAVAILABLE_PAGE);
    }
    try {
      await writer.write(click);
    } catch (err) {
      log.error({ err }, 'click not recorded; no redirect sent');
      return sendPage(reply, 503, UNAVAILABLE_PAGE);
    }
    return reply
      .code(302)
      .header('location', location)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer-when-downgrade')
      .send();
  });

  // Link checkers and prefetchers: say whether the link works, record nothing, reveal no destination.
  app.head<SlugRequest>('/c/:slug', async (request, reply) => {
    const target = await resolve(request);
    const status = target === undefined ? 503 : target === null ? 404 : 200;
    return reply.code(status).header('content-type', HTML).header('cache-control', 'no-store').send();
  });
}
