// /api/v1/advertisers. Admin manages them all; an advertiser key sees only its own advertiser and
// may change only its statusMap (its own status vocabulary is its business; the IP allow-list and
// name are the network's security and bookkeeping, so they stay admin-only). Publishers: 403.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { advertiserScope, requireRole } from '../../auth/principal.ts';
import { findAdvertiserById, listAdvertisers } from '../../catalog/advertisers/advertiser.repository.ts';
import {
  Advertiser,
  CreateAdvertiserBody,
  InboundPresetView,
  UpdateAdvertiserBody,
} from '../../catalog/advertisers/advertiser.schemas.ts';
import {
  createAdvertiser,
  deleteAdvertiser,
  rotateAdvertiserToken,
  toAdvertiserView,
  updateAdvertiser,
} from '../../catalog/advertisers/advertiser.service.ts';
import { listInboundPresets } from '../../conversions/inbound/names/inbound-presets.ts';
import type { AppContext } from '../../server/app-context.ts';
import { IdParams } from '../../shared/api-schemas.ts';
import { parseIdCursor } from '../../shared/cursor.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import { DEFAULT_PAGE_SIZE, PageOf, PageQuery, toPage } from '../../shared/pagination.ts';

/** 404 for anything outside the caller's scope, so ids of others do not leak. */
function assertVisible(request: FastifyRequest, id: number): void {
  const scope = advertiserScope(request);
  if (scope !== undefined && scope !== id) throw notFound('advertiser');
}

export function registerAdvertiserRoutes(api: FastifyInstance, ctx: AppContext): void {
  const tags = ['advertisers'];
  const view = (row: Parameters<typeof toAdvertiserView>[0]) => toAdvertiserView(row, ctx.config);

  api.post<{ Body: CreateAdvertiserBody }>(
    '/advertisers',
    { schema: { tags, body: CreateAdvertiserBody, response: { 201: Advertiser } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      return reply.status(201).send(view(await createAdvertiser(ctx, request.body)));
    },
  );

  api.get<{ Querystring: PageQuery }>(
    '/advertisers',
    { schema: { tags, querystring: PageQuery, response: { 200: PageOf(Advertiser) } } },
    async (request) => {
      const onlyId = advertiserScope(request);
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
      const afterId = parseIdCursor(request.query.cursor);
      const rows = await listAdvertisers(ctx.store.db, { afterId, limit, onlyId });
      return toPage(rows, limit, (r) => r.id, view);
    },
  );

  api.get<{ Params: IdParams }>(
    '/advertisers/:id',
    { schema: { tags, params: IdParams, response: { 200: Advertiser } } },
    async (request) => {
      assertVisible(request, request.params.id);
      const row = await findAdvertiserById(ctx.store.db, request.params.id);
      if (!row) throw notFound('advertiser');
      return view(row);
    },
  );

  api.patch<{ Params: IdParams; Body: UpdateAdvertiserBody }>(
    '/advertisers/:id',
    { schema: { tags, params: IdParams, body: UpdateAdvertiserBody, response: { 200: Advertiser } } },
    async (request) => {
      const principal = requireRole(request, 'admin', 'advertiser');
      assertVisible(request, request.params.id);
      if (principal.role === 'advertiser') {
        const other = Object.keys(request.body).find((k) => k !== 'statusMap');
        if (other) throw new AppError('forbidden', `${other}: advertiser keys may change only statusMap`);
      }
      return view(await updateAdvertiser(ctx, request.params.id, request.body));
    },
  );

  // The presets an advertiser can pick: each network's parameter names, status codes and signature.
  api.get(
    '/inbound-presets',
    { schema: { tags, response: { 200: Type.Object({ data: Type.Array(InboundPresetView) }) } } },
    async (request) => {
      requireRole(request, 'admin', 'advertiser');
      return {
        data: listInboundPresets().map((p) => ({
          name: p.name,
          label: p.label,
          kind: p.kind,
          parameterMap: p.parameterMap,
          statusMap: p.statusMap ?? {},
          macros: p.macros ?? {},
          appendsOwnParameters: p.appendsOwnParameters === true,
          signature: p.signature ?? null,
          source: p.source,
        })),
      };
    },
  );

  api.post<{ Params: IdParams }>(
    '/advertisers/:id/rotate-token',
    { schema: { tags, params: IdParams, response: { 200: Advertiser } } },
    async (request) => {
      requireRole(request, 'admin');
      return view(await rotateAdvertiserToken(ctx, request.params.id));
    },
  );

  api.delete<{ Params: IdParams }>(
    '/advertisers/:id',
    { schema: { tags, params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      await deleteAdvertiser(ctx, request.params.id);
      return reply.status(204).send();
    },
  );
}
