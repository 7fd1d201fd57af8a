// Turns one visit on a resolved link into a click row and the URL to send the visitor to.
import { redirectMacroValues } from '../../macros/click-macro-values.ts';
import { newId } from '../../shared/ids.ts';
import {
  chooseRoute,
  destinationOf,
  normalizeVisitor,
  type RouteDestination,
} from '../../smartlinks/smartlink-resolver.ts';
import { primaryLanguage } from '../../smartlinks/smartlink-rules.ts';
import type { ClickRow } from '../clicks/click.table.ts';
import { cleanValue, fbpOfCookie, parseClickParams } from './click-params.ts';
import type { ClickTarget } from './click-target.ts';
import { lookupCountry } from './geo-country.ts';
import { describeVisitor, type VisitorInfo } from './visitor-info.ts';

export const MAX_USER_AGENT_LENGTH = 1_024;

export interface Visit {
  /** The query string, after its '?'. */
  queryString: string;
  ip: string | null;
  userAgent: string | undefined;
  referrer: string | undefined;
  /** Read only when the link's SmartLink has a language rule. */
  acceptLanguage?: string | undefined;
  cookie?: string | undefined;
  now: number;
}

const UNKNOWN_VISITOR: VisitorInfo = { device: null, os: null, browser: null, isBot: false };

export function buildClick(target: ClickTarget, visit: Visit): ClickRow {
  const { subs, externalId, adClickIds, fbp } = parseClickParams(visit.queryString, target.defaultSubs);
  const userAgent = cleanValue(visit.userAgent, MAX_USER_AGENT_LENGTH);
  // Enrichment is best effort: a parser failure costs a field, never the click.
  let visitor = UNKNOWN_VISITOR;
  try {
    visitor = describeVisitor(userAgent);
  } catch {}
  let country: string | null = null;
  try {
    country = lookupCountry(visit.ip);
  } catch {}
  let offerId = target.offerId;
  let advertiserId = target.advertiserId;
  let smartlinkId: number | null = null;
  let smartlinkRule: number | null = null;
  const { smartlink } = target;
  if (smartlink) {
    const choice = chooseRoute(
      smartlink,
      normalizeVisitor({
        country,
        device: visitor.device,
        os: visitor.os,
        browser: visitor.browser,
        language: smartlink.usesLanguage ? primaryLanguage(visit.acceptLanguage) : null,
      }),
      target.publisherId,
    );
    smartlinkId = smartlink.id;
    smartlinkRule = choice.ruleId;
    if (choice.target) {
      offerId = choice.target.offerId;
      advertiserId = choice.target.advertiserId;
    }
  }
  return {
    id: newId(visit.now),
    link_id: target.linkId,
    offer_id: offerId,
    publisher_id: target.publisherId,
    advertiser_id: advertiserId,
    sub1: subs.sub1 ?? null,
    sub2: subs.sub2 ?? null,
    sub3: subs.sub3 ?? null,
    sub4: subs.sub4 ?? null,
    sub5: subs.sub5 ?? null,
    sub6: subs.sub6 ?? null,
    sub7: subs.sub7 ?? null,
    sub8: subs.sub8 ?? null,
    sub9: subs.sub9 ?? null,
    sub10: subs.sub10 ?? null,
    external_id: externalId,
    ...adClickIds,
    ip: visit.ip,
    user_agent: userAgent,
    device: visitor.device,
    os: visitor.os,
    browser: visitor.browser,
    country,
    referrer: cleanValue(visit.referrer),
    is_bot: visitor.isBot ? 1 : 0,
    created_at: visit.now,
    is_unique: 1,
    smartlink_id: smartlinkId,
    smartlink_rule: smartlinkRule,
    // The link's own `fbp` first (the landing page passed it on), then the tracker domain's cookie.
    fbp: fbp ?? fbpOfCookie(visit.cookie),
  };
}

/** Header values must be visible ASCII: anything else left in the offer URL is percent-encoded. */
function toHeaderSafe(url: string): string {
  if (/^[\x21-\x7e]*$/.test(url)) return url;
  return url.replace(/[^\x21-\x7e]+/g, (run) => encodeURIComponent(cleanValue(run, run.length) ?? ''));
}

/**
 * The offer URL (or `overCap`, a reached cap's fallback) with this click's macros filled in,
 * URL-encoded, fit for a Location header.
 */
export function destinationFor(
  target: ClickTarget,
  click: ClickRow,
  overCap: RouteDestination | null = null,
): string {
  const route =
    overCap ??
    (target.smartlink && click.smartlink_rule != null
      ? destinationOf(target.smartlink, click.offer_id, click.smartlink_rule)
      : target);
  const { destination } = route;
  const url = destination.render(redirectMacroValues(click, route.usesRandom), 'url');
  // Most offer URLs are safe by construction; checking the rendered text is for the rest.
  return destination.urlIsVisibleAscii ? url : toHeaderSafe(url);
}
