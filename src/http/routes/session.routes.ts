// Sign-in, first-run setup and invite links: the /api/v1 routes a browser calls before it has a
// session. Each refuses a cross-site request (login CSRF) and answers with the new session.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../server/app-context.ts';
import { accountsOf } from '../../users/accounts.ts';
import { readSessionCookie, setSessionCookie } from '../../users/cookies.ts';
import { SESSION_ABSOLUTE_MS } from '../../users/limits.ts';
import { resolveSession, signIn, startSession } from '../../users/session.service.ts';
import { hasAnyUser } from '../../users/user.repository.ts';
import {
  AcceptLinkBody,
  LinkInfo,
  MaybeSessionView,
  SessionView,
  SignInBody,
  TokenParams,
} from '../../users/user.schemas.ts';
import type { UserRow } from '../../users/user.table.ts';
import { acceptLink, findUsableLink } from '../../users/user-link.service.ts';

const tags = ['sessions'];

export function sessionView(
  user: Pick<UserRow, 'id' | 'email' | 'role' | 'advertiser_id' | 'publisher_id'>,
  csrfToken: string,
) {
  return {
    user: {
      id: user.id,
      email: user.email,
      role: user.role,
      advertiserId: user.advertiser_id,
      publisherId: user.publisher_id,
    },
    csrfToken,
  };
}

/** Registered outside the authenticated plugin, under the same /api/v1 prefix. */
export function registerSignInRoutes(pub: FastifyInstance, ctx: AppContext): void {
  const { origins, throttle } = accountsOf(ctx);
  const db = ctx.store.db;

  async function answerSignedIn(request: FastifyRequest, reply: FastifyReply, user: UserRow) {
    const session = await startSession(db, user, ctx.clock.now());
    setSessionCookie(reply, session.token, origins.isHttps(request), SESSION_ABSOLUTE_MS);
    return reply.status(201).send(sessionView(user, session.csrfToken));
  }

  pub.post<{ Body: Static<typeof SignInBody> }>(
    '/session',
    { schema: { tags, security: [], body: SignInBody, response: { 201: SessionView } } },
    async (request, reply) => {
      origins.assertSameOrigin(request);
      const { user, session } = await signIn(
        db,
        throttle,
        { ...request.body, ip: origins.clientIp(request) },
        ctx.clock.now(),
      );
      setSessionCookie(reply, session.token, origins.isHttps(request), SESSION_ABSOLUTE_MS);
      return reply.status(201).send(sessionView(user, session.csrfToken));
    },
  );

  // Public so that a browser without a session learns it from a 200, not from a failed request.
  pub.get(
    '/session',
    { schema: { tags, security: [], response: { 200: MaybeSessionView } } },
    async (request) => {
      const token = readSessionCookie(request);
      const session = token ? await resolveSession(db, token, ctx.clock.now()) : undefined;
      return session ? { user: session.user, csrfToken: session.csrfToken } : { user: null, csrfToken: null };
    },
  );

  pub.get(
    '/setup-status',
    {
      schema: {
        tags,
        security: [],
        response: { 200: Type.Object({ hasUsers: Type.Boolean() }) },
      },
    },
    async () => ({ hasUsers: await hasAnyUser(db) }),
  );

  pub.get<{ Params: Static<typeof TokenParams> }>(
    '/user-links/:token',
    { schema: { tags, security: [], params: TokenParams, response: { 200: LinkInfo } } },
    async (request) => {
      const link = await findUsableLink(db, request.params.token, ctx.clock.now());
      return { kind: link.kind, email: link.email, role: link.role, expiresAt: link.expires_at };
    },
  );

  pub.post<{ Params: Static<typeof TokenParams>; Body: Static<typeof AcceptLinkBody> }>(
    '/user-links/:token/accept',
    {
      schema: {
        tags,
        security: [],
        params: TokenParams,
        body: AcceptLinkBody,
        response: { 201: SessionView },
      },
    },
    async (request, reply) => {
      origins.assertSameOrigin(request);
      const user = await acceptLink(db, request.params.token, request.body, ctx.clock.now());
      return answerSignedIn(request, reply, user);
    },
  );
}
