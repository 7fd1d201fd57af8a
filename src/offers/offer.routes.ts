// /api/v1/offers. Admin manages them. An advertiser key reads its own offers (read-only: the
// network sets payouts). A publisher key reads only offers it has a link to, without revenue.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { IdParams } from '../admin/api.schemas.ts';
import { parseIdCursor } from '../admin/cursor.ts';
import { requireRole } from '../auth/principal.ts';
import type { AppContext } from '../http/context.ts';
import { notFound } from '../http/errors.ts';
import { DEFAULT_PAGE_SIZE, PageOf, toPage } from '../http/pagination.ts';
import { findGoalsOfOffers, isOfferLinkedToPublisher, listOffers } from './offer.repository.ts';
import { CreateOfferBody, Offer, OfferListQuery, UpdateOfferBody } from './offer.schemas.ts';
import {
  createOffer,
  deleteOffer,
  loadOffer,
  type OfferWithGoals,
  toOfferView,
  updateOffer,
} from './offer.service.ts';

function viewFor(request: FastifyRequest) {
  const hideRevenue = request.principal.role === 'publisher';
  return (offer: OfferWithGoals) => toOfferView(offer, { hideRevenue });
}

export function registerOfferRoutes(api: FastifyInstance, ctx: AppContext): void {
  const tags = ['offers'];
  const db = ctx.store.db;

  api.post<{ Body: CreateOfferBody }>(
    '/offers',
    { schema: { tags, body: CreateOfferBody, response: { 201: Offer } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      return reply.status(201).send(viewFor(request)(await createOffer(ctx, request.body)));
    },
  );

  api.get<{ Querystring: OfferListQuery }>(
    '/offers',
    { schema: { tags, querystring: OfferListQuery, response: { 200: PageOf(Offer) } } },
    async (request) => {
      const p = requireRole(request, 'admin', 'advertiser', 'publisher');
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
      const rows = await listOffers(db, {
        afterId: parseIdCursor(request.query.cursor),
        limit,
        advertiserId: request.query.advertiserId,
        search: request.query.q?.trim(),
        ...(p.role === 'advertiser' && { advertiserId: p.advertiserId ?? -1 }),
        ...(p.role === 'publisher' && { linkedToPublisherId: p.publisherId ?? -1 }),
      });
      // A foreign advertiserId filter from an advertiser key simply finds nothing.
      const visible =
        p.role === 'advertiser' &&
        request.query.advertiserId !== undefined &&
        request.query.advertiserId !== p.advertiserId
          ? []
          : rows;
      const goals = await findGoalsOfOffers(
        db,
        visible.map((r) => r.id),
      );
      const view = viewFor(request);
      return toPage(
        visible,
        limit,
        (r) => r.id,
        (offer) => view({ offer, goals: goals.get(offer.id) ?? [] }),
      );
    },
  );

  api.get<{ Params: IdParams }>(
    '/offers/:id',
    { schema: { tags, params: IdParams, response: { 200: Offer } } },
    async (request) => {
      const p = requireRole(request, 'admin', 'advertiser', 'publisher');
      const found = await loadOffer(db, request.params.id);
      if (!found) throw notFound('offer');
      if (p.role === 'advertiser' && found.offer.advertiser_id !== p.advertiserId) throw notFound('offer');
      if (
        p.role === 'publisher' &&
        !(await isOfferLinkedToPublisher(db, found.offer.id, p.publisherId ?? -1))
      ) {
        throw notFound('offer');
      }
      return viewFor(request)(found);
    },
  );

  api.patch<{ Params: IdParams; Body: UpdateOfferBody }>(
    '/offers/:id',
    { schema: { tags, params: IdParams, body: UpdateOfferBody, response: { 200: Offer } } },
    async (request) => {
      requireRole(request, 'admin');
      return viewFor(request)(await updateOffer(ctx, request.params.id, request.body));
    },
  );

  api.delete<{ Params: IdParams }>(
    '/offers/:id',
    { schema: { tags, params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      await deleteOffer(ctx, request.params.id);
      return reply.status(204).send();
    },
  );
}
