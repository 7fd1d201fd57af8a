// /api/v1/postbacks. Admin manages every publisher's postbacks, a publisher key only its own,
// advertiser keys none. Saving validates macros, scheme and target and answers with warnings.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { publisherScope, requireRole } from '../../auth/principal.ts';
import { listPostbacks } from '../../postbacks/postback.repository.ts';
import {
  CreatePostbackBody,
  EnableBody,
  Postback,
  PostbackListQuery,
  SavedPostback,
  UpdatePostbackBody,
} from '../../postbacks/postback.schemas.ts';
import {
  createPostback,
  deletePostback,
  disablePostback,
  enablePostback,
  loadOwnPostback,
  type SavedPostback as Saved,
  updatePostback,
} from '../../postbacks/postback.service.ts';
import { toPostbackView } from '../../postbacks/postback.view.ts';
import type { AppContext } from '../../server/app-context.ts';
import { IdParams } from '../../shared/api-schemas.ts';
import { parseIdCursor } from '../../shared/cursor.ts';
import { DEFAULT_PAGE_SIZE, PageOf, toPage } from '../../shared/pagination.ts';
import { registerPostbackToolRoutes } from './postback-tools.routes.ts';

const savedView = ({ row, warnings }: Saved) => ({ ...toPostbackView(row), warnings });

export function registerPostbackRoutes(api: FastifyInstance, ctx: AppContext): void {
  const tags = ['postbacks'];
  const MANAGERS = ['admin', 'publisher'] as const;

  api.post<{ Body: CreatePostbackBody }>(
    '/postbacks',
    {
      schema: {
        tags,
        summary: 'create a postback',
        body: CreatePostbackBody,
        response: { 201: SavedPostback },
      },
    },
    async (request, reply) => {
      const principal = requireRole(request, ...MANAGERS);
      return reply.status(201).send(savedView(await createPostback(ctx, principal, request.body)));
    },
  );

  api.get<{ Querystring: PostbackListQuery }>(
    '/postbacks',
    { schema: { tags, querystring: PostbackListQuery, response: { 200: PageOf(Postback) } } },
    async (request) => {
      const onlyPublisher = publisherScope(request);
      const { publisherId, offerId, cursor } = request.query;
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
      // A publisher key asking for another publisher's postbacks simply finds none.
      const foreign =
        onlyPublisher !== undefined && publisherId !== undefined && publisherId !== onlyPublisher;
      const rows = foreign
        ? []
        : await listPostbacks(ctx.store.db, {
            afterId: parseIdCursor(cursor),
            limit,
            publisherId: onlyPublisher ?? publisherId,
            offerId,
            // The network's own trackers are not the publisher's to see.
            ...(onlyPublisher !== undefined && { audience: 'publisher' as const }),
          });
      return toPage(rows, limit, (r) => r.id, toPostbackView);
    },
  );

  api.get<{ Params: IdParams }>(
    '/postbacks/:id',
    { schema: { tags, params: IdParams, response: { 200: Postback } } },
    async (request) => {
      const principal = requireRole(request, ...MANAGERS);
      return toPostbackView(await loadOwnPostback(ctx, principal, request.params.id));
    },
  );

  api.patch<{ Params: IdParams; Body: UpdatePostbackBody }>(
    '/postbacks/:id',
    { schema: { tags, params: IdParams, body: UpdatePostbackBody, response: { 200: SavedPostback } } },
    async (request) => {
      const principal = requireRole(request, ...MANAGERS);
      return savedView(await updatePostback(ctx, principal, request.params.id, request.body));
    },
  );

  api.delete<{ Params: IdParams }>(
    '/postbacks/:id',
    { schema: { tags, params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      const principal = requireRole(request, ...MANAGERS);
      await deletePostback(ctx, principal, request.params.id);
      return reply.status(204).send();
    },
  );

  api.post<{ Params: IdParams; Body: EnableBody | undefined }>(
    '/postbacks/:id/enable',
    {
      schema: {
        tags,
        summary:
          'fire again and mark the endpoint active; optional body {"releaseHeld": true} also sends what was held',
        params: IdParams,
        body: EnableBody,
        response: { 200: Type.Composite([Postback, Type.Object({ released: Type.Integer() })]) },
      },
    },
    async (request) => {
      const principal = requireRole(request, ...MANAGERS);
      const releaseHeld = request.body?.releaseHeld === true;
      const { row, released } = await enablePostback(ctx, principal, request.params.id, releaseHeld);
      return { ...toPostbackView(row), released };
    },
  );

  api.post<{ Params: IdParams }>(
    '/postbacks/:id/disable',
    {
      schema: {
        tags,
        summary: 'pause the endpoint: its deliveries are held, never dropped',
        params: IdParams,
        response: { 200: Postback },
      },
    },
    async (request) => {
      const principal = requireRole(request, ...MANAGERS);
      return toPostbackView(await disablePostback(ctx, principal, request.params.id));
    },
  );

  registerPostbackToolRoutes(api, ctx);
}
