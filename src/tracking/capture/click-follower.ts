// Following a tracking link, independent of the HTTP layer that carries it: resolve the slug
// (cached), build the click, make it durable (the store's click writer), and say what to answer. Both the
// Fastify route and the raw node:http fast path (click-fast-path.ts) answer from this.

import { logStoreFailure } from '../../db/store-unavailable.ts';
import type { AppContext } from '../../server/app-context.ts';
import { parseCidrList } from '../../shared/cidr.ts';
import { CLICK_BACKLOG_PROBE, counters, probes } from '../../shared/counters.ts';
import type { ClickRow } from '../clicks/click.table.ts';
import { buildClick, destinationFor } from './click.service.ts';
import type { ClickTarget } from './click-target.ts';
import { ClickTargetCache } from './click-target-cache.ts';
import { createClickTargetLoader } from './click-target-loader.ts';
import { resolveClientIp } from './client-ip.ts';
import { loadCountryDatabase } from './geo-country.ts';
import { UniqueVisitors } from './unique-visitors.ts';

/** What a visit is answered with: a redirect after the click is stored, or a status page. */
export type Outcome = { status: 302; location: string } | { status: 404 | 503 };

export interface VisitRequest {
  slug: string;
  /** The query string, after its '?' ('' when there is none). */
  queryString: string;
  socketAddress: string | undefined;
  forwardedFor: string | string[] | undefined;
  userAgent: string | undefined;
  referrer: string | undefined;
  acceptLanguage?: string | undefined;
  /** The Cookie header: a `_fbp` cookie set on the tracker's own domain is kept on the click. */
  cookie?: string | undefined;
}

export interface ClickFollower {
  /** Records the click and resolves with the redirect, or with 404/503 when there is none. */
  follow(visit: VisitRequest): Promise<Outcome>;
  /** Whether a slug would redirect, recording nothing (HEAD). */
  probe(slug: string): Promise<200 | 404 | 503>;
  close(): Promise<void>;
}

const NOT_FOUND: Outcome = Object.freeze({ status: 404 });
const UNAVAILABLE: Outcome = Object.freeze({ status: 503 });

export function createClickFollower(ctx: AppContext): ClickFollower {
  const log = ctx.log.child({ component: 'clicks' });
  const trustedProxies = ctx.config.trustedProxies.length
    ? parseCidrList(ctx.config.trustedProxies)
    : undefined;
  const targets = new ClickTargetCache<ClickTarget>(
    createClickTargetLoader(ctx.store, ctx.offerAvailability),
  );
  const clickWriter = ctx.store.clicks.openWriter(log);
  const visitors = new UniqueVisitors();
  const backlog = () => clickWriter.waiting?.() ?? 0;
  probes.set(CLICK_BACKLOG_PROBE, backlog);
  const reachedCaps = ctx.reachedCaps;
  const stopWatchingCaps = reachedCaps?.watch();
  const dropTargets = () => targets.clear();
  ctx.events.on('catalog.changed', dropTargets);
  void loadCountryDatabase((err) => log.warn({ err }, 'country database unavailable; clicks get no country'));

  async function resolve(slug: string): Promise<ClickTarget | null | undefined> {
    try {
      return await targets.get(slug);
    } catch (err) {
      logStoreFailure(log, err, 'click target lookup failed');
      return undefined;
    }
  }

  async function follow(visit: VisitRequest): Promise<Outcome> {
    const target = await resolve(visit.slug);
    if (target === undefined) return UNAVAILABLE;
    if (target === null) return NOT_FOUND;
    let click: ClickRow;
    let location: string;
    try {
      click = buildClick(target, {
        queryString: visit.queryString,
        ip: resolveClientIp(visit.socketAddress, visit.forwardedFor, trustedProxies),
        userAgent: visit.userAgent,
        referrer: visit.referrer,
        acceptLanguage: visit.acceptLanguage,
        cookie: visit.cookie,
        now: ctx.clock.now(),
      });
      click.is_unique = visitors.record(
        target.linkId,
        click.ip,
        click.user_agent,
        click.created_at,
        target.uniqueWindowMs,
      )
        ? 1
        : 0;
      // A single-offer link over a cap that sends clicks elsewhere; a SmartLink skipped the offer already.
      const overCap =
        target.smartlink === null
          ? (reachedCaps?.overCapDestination(target.offerId, target.publisherId) ?? null)
          : null;
      location = destinationFor(target, click, overCap);
    } catch (err) {
      log.error({ err, slug: visit.slug }, 'click could not be built');
      return UNAVAILABLE;
    }
    try {
      await clickWriter.record(click);
    } catch (err) {
      logStoreFailure(log, err, 'click not recorded; no redirect sent');
      return UNAVAILABLE;
    }
    counters.clicks.total++;
    return { status: 302, location };
  }

  async function probe(slug: string): Promise<200 | 404 | 503> {
    const target = await resolve(slug);
    return target === undefined ? 503 : target === null ? 404 : 200;
  }

  async function close(): Promise<void> {
    ctx.events.off('catalog.changed', dropTargets);
    stopWatchingCaps?.();
    if (probes.get(CLICK_BACKLOG_PROBE) === backlog) probes.delete(CLICK_BACKLOG_PROBE);
    await clickWriter.close();
  }

  return { follow, probe, close };
}
