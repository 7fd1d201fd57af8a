// Sign-out (DELETE /session), and admin management of users and invites.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireRole } from '../../auth/principal.ts';
import type { AppContext } from '../../server/app-context.ts';
import { IdParams } from '../../shared/api-schemas.ts';
import { parseIdCursor } from '../../shared/cursor.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import { DEFAULT_PAGE_SIZE, PageOf, PageQuery, toPage } from '../../shared/pagination.ts';
import { accountsOf } from '../../users/accounts.ts';
import { clearSessionCookie } from '../../users/cookies.ts';
import { revokeSessionsOfUser } from '../../users/session.repository.ts';
import { type ActiveSession, endSession } from '../../users/session.service.ts';
import { disableUser, findUserById, listUsers } from '../../users/user.repository.ts';
import { Invite, InviteBody, User } from '../../users/user.schemas.ts';
import { toUserView } from '../../users/user.service.ts';
import { createInvite } from '../../users/user-link.service.ts';

const tags = ['users'];

function requireSession(request: FastifyRequest): ActiveSession {
  if (!request.userSession)
    throw new AppError('unauthorized', 'this needs a signed-in session, not an API key');
  return request.userSession;
}

export function registerUserRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { origins } = accountsOf(ctx);
  const db = ctx.store.db;

  api.delete(
    '/session',
    { schema: { tags: ['sessions'], response: { 204: Type.Null() } } },
    async (request, reply) => {
      const session = requireSession(request);
      await endSession(db, session.id, ctx.clock.now());
      clearSessionCookie(reply, origins.isHttps(request));
      return reply.status(204).send();
    },
  );

  api.get<{ Querystring: PageQuery }>(
    '/users',
    { schema: { tags, querystring: PageQuery, response: { 200: PageOf(User) } } },
    async (request) => {
      requireRole(request, 'admin');
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
      const rows = await listUsers(db, { afterId: parseIdCursor(request.query.cursor), limit });
      return toPage(rows, limit, (r) => r.id, toUserView);
    },
  );

  api.post<{ Body: Static<typeof InviteBody> }>(
    '/invites',
    { schema: { tags, body: InviteBody, response: { 201: Invite } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      const invite = await createInvite(
        db,
        request.body,
        request.userSession?.user.id ?? null,
        ctx.clock.now(),
      );
      return reply.status(201).send({
        email: invite.email,
        role: request.body.role,
        url: `${ctx.config.publicUrl}/invite?token=${invite.token}`,
        expiresAt: invite.expiresAt,
      });
    },
  );

  api.delete<{ Params: IdParams }>(
    '/users/:id',
    { schema: { tags, params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      const { id } = request.params;
      if (request.userSession?.user.id === id)
        throw new AppError('conflict', 'you cannot disable your own account while signed in with it');
      if (!(await findUserById(db, id))) throw notFound('user');
      const now = ctx.clock.now();
      await disableUser(db, id, now);
      await revokeSessionsOfUser(db, id, now);
      return reply.status(204).send();
    },
  );
}
