// /api/v1/links. Admin manages them; a publisher key reads only its own links. Advertisers: 403.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { publisherScope, requireRole } from '../../auth/principal.ts';
import type { AppContext } from '../../server/app-context.ts';
import { Id, IdParams, Millis, Nullable } from '../../shared/api-schemas.ts';
import { parseIdCursor } from '../../shared/cursor.ts';
import { notFound } from '../../shared/errors.ts';
import { DEFAULT_PAGE_SIZE, PAGE_FIELDS, PageOf, toPage } from '../../shared/pagination.ts';
import { findLinkById, listLinks } from '../../tracking/links/link.repository.ts';
import {
  createLink,
  deleteLink,
  SLUG_PATTERN,
  toLinkView,
  updateLink,
} from '../../tracking/links/link.service.ts';

const Subs = Type.Record(Type.String(), Type.String({ maxLength: 500 }), {
  propertyNames: { pattern: '^sub([1-9]|10)$' },
  description: 'default sub ids, keys sub1…sub10; the click’s own values win',
});
const Link = Type.Object({
  id: Type.Integer(),
  slug: Type.String(),
  url: Type.String({ description: 'the full tracking link' }),
  offerId: Type.Integer(),
  smartlinkId: Nullable(Type.Integer({ description: 'the SmartLink choosing each click’s offer' })),
  publisherId: Type.Integer(),
  subs: Type.Record(Type.String(), Type.String()),
  createdAt: Millis,
  updatedAt: Millis,
});
const CreateLinkBody = Type.Object({
  // Required without smartlinkId; with it, the offer fallback clicks count under (default: its first).
  offerId: Type.Optional(Id()),
  // A SmartLink chooses each click's offer.
  smartlinkId: Type.Optional(Id()),
  publisherId: Id(),
  slug: Type.Optional(Type.String({ pattern: SLUG_PATTERN, description: 'generated when omitted' })),
  subs: Type.Optional(Subs),
});
type CreateLinkBody = Static<typeof CreateLinkBody>;
const UpdateLinkBody = Type.Object({
  subs: Type.Optional(Subs),
  // null points the link back at its offer.
  smartlinkId: Type.Optional(Nullable(Id())),
});
type UpdateLinkBody = Static<typeof UpdateLinkBody>;
const LinkListQuery = Type.Object({
  ...PAGE_FIELDS,
  offerId: Type.Optional(Id()),
  publisherId: Type.Optional(Id()),
});
type LinkListQuery = Static<typeof LinkListQuery>;

export function registerLinkRoutes(api: FastifyInstance, ctx: AppContext): void {
  const tags = ['links'];
  const db = ctx.store.db;
  const view = (row: Parameters<typeof toLinkView>[0]) => toLinkView(row, ctx.config);

  api.post<{ Body: CreateLinkBody }>(
    '/links',
    { schema: { tags, body: CreateLinkBody, response: { 201: Link } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      return reply.status(201).send(view(await createLink(ctx, request.body)));
    },
  );

  api.get<{ Querystring: LinkListQuery }>(
    '/links',
    { schema: { tags, querystring: LinkListQuery, response: { 200: PageOf(Link) } } },
    async (request) => {
      const scope = publisherScope(request);
      const { offerId, publisherId } = request.query;
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
      // Asking for another publisher's links finds nothing rather than revealing they exist.
      if (scope !== undefined && publisherId !== undefined && publisherId !== scope)
        return { data: [], nextCursor: null };
      const rows = await listLinks(db, {
        afterId: parseIdCursor(request.query.cursor),
        limit,
        offerId,
        publisherId: scope ?? publisherId,
      });
      return toPage(rows, limit, (r) => r.id, view);
    },
  );

  api.get<{ Params: IdParams }>(
    '/links/:id',
    { schema: { tags, params: IdParams, response: { 200: Link } } },
    async (request) => {
      const scope = publisherScope(request);
      const row = await findLinkById(db, request.params.id);
      if (!row || (scope !== undefined && row.publisher_id !== scope)) throw notFound('link');
      return view(row);
    },
  );

  api.patch<{ Params: IdParams; Body: UpdateLinkBody }>(
    '/links/:id',
    { schema: { tags, params: IdParams, body: UpdateLinkBody, response: { 200: Link } } },
    async (request) => {
      requireRole(request, 'admin');
      return view(await updateLink(ctx, request.params.id, request.body));
    },
  );

  api.delete<{ Params: IdParams }>(
    '/links/:id',
    { schema: { tags, params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      await deleteLink(ctx, request.params.id);
      return reply.status(204).send();
    },
  );
}
