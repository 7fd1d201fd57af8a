// GET /c/:slug straight on node:http, ahead of Fastify: the tracking link is the hottest request
// and the framework's per-request work (routing, hooks, reply pipeline) cost more than the click.
// Anything this does not recognise as a plain click request goes to Fastify, which answers the
// same route with the same outcomes (click.routes.ts), so behaviour does not depend on the path.
// See docs/decisions/0003-click-fast-path.md.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClickFollower, Outcome } from '../../tracking/capture/click-follower.ts';
import { HTML, NOT_FOUND_PAGE, UNAVAILABLE_PAGE } from '../../tracking/capture/click-pages.ts';
import { queryStringOf } from '../../tracking/capture/click-params.ts';

/** Handles the request and returns true, or returns false without touching it. */
export type RawRequestHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

const PREFIX = '/c/';
/** Same limit as the router's maxParamLength: longer slugs are Fastify's to refuse. */
const MAX_SLUG_LENGTH = 200;

/** The decoded slug of a plain `/c/<slug>[/]` path, or null when Fastify should decide. */
function slugOf(path: string): string | null {
  let raw = path.slice(PREFIX.length);
  if (raw.endsWith('/')) raw = raw.slice(0, -1); // the router ignores one trailing slash
  if (raw === '' || raw.includes('/')) return null;
  let slug = raw;
  if (raw.includes('%')) {
    try {
      slug = decodeURIComponent(raw);
    } catch {
      return null;
    }
  }
  return slug.length > MAX_SLUG_LENGTH ? null : slug;
}

function sendPage(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': HTML, 'cache-control': 'no-store' });
  res.end(body);
}

/** Writes an outcome the way the Fastify route does (same status, headers and bodies). */
function sendOutcome(res: ServerResponse, outcome: Outcome): void {
  if (outcome.status === 302) {
    res.writeHead(302, {
      location: outcome.location,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer-when-downgrade',
      'content-length': '0',
    });
    res.end();
  } else {
    sendPage(res, outcome.status, outcome.status === 404 ? NOT_FOUND_PAGE : UNAVAILABLE_PAGE);
  }
}

export function createClickFastPath(follower: ClickFollower): RawRequestHandler {
  return (req, res) => {
    const url = req.url;
    if (req.method !== 'GET' || url === undefined || !url.startsWith(PREFIX)) return false;
    const mark = url.indexOf('?');
    const slug = slugOf(mark < 0 ? url : url.slice(0, mark));
    if (slug === null) return false;
    const headers = req.headers;
    follower
      .follow({
        slug,
        queryString: queryStringOf(url),
        socketAddress: req.socket.remoteAddress,
        forwardedFor: headers['x-forwarded-for'],
        userAgent: headers['user-agent'],
        referrer: headers.referer,
        acceptLanguage: headers['accept-language'],
        cookie: headers.cookie,
      })
      .then(
        (outcome) => sendOutcome(res, outcome),
        () => sendOutcome(res, { status: 503 }), // follow() answers its own failures; this is a backstop
      );
    return true;
  };
}
