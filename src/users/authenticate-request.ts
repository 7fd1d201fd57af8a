// Authenticates every /api/v1 request: a Bearer API key when an Authorization header is sent,
// otherwise the dashboard's session cookie, whose changes must also pass the CSRF check.
import type { FastifyInstance } from 'fastify';
import { createKeyAuthenticator } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../server/app-context.ts';
import { AppError } from '../shared/errors.ts';
import { accountsOf } from './accounts.ts';
import { readSessionCookie } from './cookies.ts';
import { isSafeMethod } from './request-origin.ts';
import { type ActiveSession, resolveSession } from './session.service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the request was authenticated by a dashboard session rather than an API key. */
    userSession: ActiveSession | null;
  }
}

export function installApiAuthentication(api: FastifyInstance, ctx: AppContext): void {
  const { origins } = accountsOf(ctx);
  const keys = createKeyAuthenticator(ctx);
  api.addHook('onClose', async () => keys.close());
  api.decorateRequest('principal', null as unknown as Principal);
  api.decorateRequest('userSession', null);
  api.addHook('onRequest', async (request) => {
    if (request.headers.authorization !== undefined) {
      const principal = await keys.authenticate(request.headers.authorization);
      if (!principal) throw new AppError('unauthorized', 'missing, invalid or revoked API key');
      request.principal = principal;
      return;
    }
    const token = readSessionCookie(request);
    const session = token ? await resolveSession(ctx.store.db, token, ctx.clock.now()) : undefined;
    if (!session) {
      throw new AppError('unauthorized', 'sign in, or send an API key as "Authorization: Bearer <key>"');
    }
    if (!isSafeMethod(request.method)) origins.assertCsrf(request, session.csrfToken);
    request.principal = session.principal;
    request.userSession = session;
  });
}
