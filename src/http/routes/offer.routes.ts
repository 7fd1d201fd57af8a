// /api/v1/offers. Admin manages them. An advertiser key reads its own offers (read-only: the
// network sets payouts). A publisher key reads only offers it has a link to. Each reads only the
// fields its role may (auth/field-visibility.ts).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireRole } from '../../auth/principal.ts';
import {
  findGoalsOfOffers,
  findPublisherPayoutsOfOffers,
  isOfferLinkedToPublisher,
  listOffers,
} from '../../catalog/offers/offer.repository.ts';
import {
  CreateOfferBody,
  Offer,
  OfferListQuery,
  UpdateOfferBody,
} from '../../catalog/offers/offer.schemas.ts';
import {
  createOffer,
  deleteOffer,
  loadOffer,
  type OfferWithGoals,
  toOfferView,
  updateOffer,
} from '../../catalog/offers/offer.service.ts';
import type { AppContext } from '../../server/app-context.ts';
import { IdParams } from '../../shared/api-schemas.ts';
import { parseIdCursor } from '../../shared/cursor.ts';
import { notFound } from '../../shared/errors.ts';
import { DEFAULT_PAGE_SIZE, PageOf, toPage } from '../../shared/pagination.ts';

function viewFor(request: FastifyRequest) {
  return (offer: OfferWithGoals) => toOfferView(offer, request.principal);
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
      const ids = visible.map((r) => r.id);
      const goals = await findGoalsOfOffers(db, ids);
      const publisherPayouts = await findPublisherPayoutsOfOffers(db, ids);
      const view = viewFor(request);
      return toPage(
        visible,
        limit,
        (r) => r.id,
        (offer) =>
          view({
            offer,
            goals: goals.get(offer.id) ?? [],
            publisherPayouts: publisherPayouts.get(offer.id) ?? [],
          }),
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
