// Where a browser request comes from: its scheme (to mark cookies Secure), its address (to throttle
// sign-in) and whether it is same-origin (to refuse cross-site changes made with a cookie).
import { timingSafeEqual } from 'node:crypto';
import type { BlockList } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { resolveRequestSource } from '../conversions/inbound/request-source.ts';
import type { AppContext } from '../server/app-context.ts';
import { AppError } from '../shared/errors.ts';

export interface OriginPolicy {
  isHttps(request: FastifyRequest): boolean;
  clientIp(request: FastifyRequest): string;
  /** Refuses a request a browser sent from another site (Sec-Fetch-Site, then Origin). */
  assertSameOrigin(request: FastifyRequest): void;
  /** assertSameOrigin plus the session's token in x-csrf-token. */
  assertCsrf(request: FastifyRequest, expectedToken: string): void;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const isSafeMethod = (method: string) => SAFE_METHODS.has(method);

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function createOriginPolicy(ctx: AppContext, trustedProxies: BlockList): OriginPolicy {
  const publicOrigin = new URL(ctx.config.publicUrl).origin;
  const source = (request: FastifyRequest) =>
    resolveRequestSource(
      request.socket.remoteAddress,
      'encrypted' in request.socket,
      request.headers,
      trustedProxies,
    );

  function assertSameOrigin(request: FastifyRequest): void {
    const site = headerOf(request, 'sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      throw new AppError('forbidden', 'cross-site request refused');
    }
    const origin = headerOf(request, 'origin');
    if (origin === undefined) return;
    const ownOrigin = `${source(request).scheme}://${headerOf(request, 'host') ?? ''}`;
    if (origin !== ownOrigin && origin !== publicOrigin) {
      throw new AppError('forbidden', 'cross-site request refused');
    }
  }

  return {
    isHttps: (request) => source(request).scheme === 'https' || publicOrigin.startsWith('https:'),
    clientIp: (request) => source(request).ip ?? 'unknown',
    assertSameOrigin,
    assertCsrf(request, expectedToken) {
      assertSameOrigin(request);
      const sent = Buffer.from(headerOf(request, 'x-csrf-token') ?? '');
      const expected = Buffer.from(expectedToken);
      if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
        throw new AppError(
          'forbidden',
          'missing or wrong x-csrf-token header; reload the page and try again',
        );
      }
    },
  };
}
