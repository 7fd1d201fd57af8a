// /api/v1/offers/:id/caps: an offer's caps (all its publishers, or one), what each has used in its
// current period and where clicks go once it is reached; /api/v1/caps/reached: every cap reached now.
// Admin only.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../../auth/principal.ts';
import {
  createOfferCap,
  deleteOfferCap,
  listOfferCaps,
  listReachedCaps,
  updateOfferCap,
} from '../../caps/cap.service.ts';
import { CAP_ACTIONS, CAP_CLICK_ACTIONS, CAP_METRICS, CAP_PERIODS } from '../../caps/cap.table.ts';
import { findOfferById } from '../../catalog/offers/offer.repository.ts';
import type { AppContext } from '../../server/app-context.ts';
import { Id, IdParams, Nullable, StringEnum } from '../../shared/api-schemas.ts';
import { notFound } from '../../shared/errors.ts';

const capFields = {
  period: StringEnum(CAP_PERIODS, { description: 'day and month in TRACKWIRE_TIME_ZONE' }),
  metric: StringEnum(CAP_METRICS),
  limit: Type.Number({ minimum: 0, maximum: 1e12 }),
  overAction: StringEnum(CAP_ACTIONS, {
    description: 'a conversion over the cap is held for review or rejected',
  }),
  clickAction: StringEnum(CAP_CLICK_ACTIONS, {
    description:
      'once reached, a single-offer link’s clicks go on to the offer (default) or to fallbackUrl; SmartLinks skip the offer either way',
  }),
  fallbackUrl: Nullable(
    Type.String({
      pattern: '^https?://\\S+$',
      maxLength: 4000,
      description: 'where clicks go once the cap is reached (clickAction fallback); click macros allowed',
    }),
  ),
};
const CapBody = Type.Object({
  publisherId: Type.Optional(Nullable(Id())),
  ...capFields,
  clickAction: Type.Optional(capFields.clickAction),
  fallbackUrl: Type.Optional(capFields.fallbackUrl),
});
type CapBody = Static<typeof CapBody>;
const CapPatchBody = Type.Partial(Type.Object(capFields), { minProperties: 1 });
type CapPatchBody = Static<typeof CapPatchBody>;
const Cap = Type.Object({
  id: Type.Integer(),
  offerId: Type.Integer(),
  publisherId: Nullable(Type.Integer()),
  period: StringEnum(CAP_PERIODS),
  metric: StringEnum(CAP_METRICS),
  limit: Type.Number(),
  overAction: StringEnum(CAP_ACTIONS),
  clickAction: StringEnum(CAP_CLICK_ACTIONS),
  fallbackUrl: Nullable(Type.String()),
  used: Type.Number({ description: 'used in the current period' }),
  reached: Type.Boolean({ description: 'used has reached the limit in the current period' }),
});
const ReachedCap = Type.Object({
  capId: Type.Integer(),
  offerId: Type.Integer(),
  publisherId: Nullable(Type.Integer()),
  period: StringEnum(CAP_PERIODS),
  clickAction: StringEnum(CAP_CLICK_ACTIONS),
});
const CapParams = Type.Object({ id: Id(), capId: Id() });

export function registerCapRoutes(api: FastifyInstance, ctx: AppContext): void {
  const tags = ['caps'];
  const assertOffer = async (id: number) => {
    if (!(await findOfferById(ctx.store.db, id))) throw notFound('offer');
  };

  api.get<{ Params: IdParams }>(
    '/offers/:id/caps',
    { schema: { tags, params: IdParams, response: { 200: Type.Object({ data: Type.Array(Cap) }) } } },
    async (request) => {
      requireRole(request, 'admin');
      await assertOffer(request.params.id);
      return { data: await listOfferCaps(ctx, request.params.id) };
    },
  );

  api.post<{ Params: IdParams; Body: CapBody }>(
    '/offers/:id/caps',
    { schema: { tags, params: IdParams, body: CapBody, response: { 201: Cap } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      await assertOffer(request.params.id);
      const cap = await createOfferCap(ctx, {
        ...request.body,
        offerId: request.params.id,
        publisherId: request.body.publisherId ?? null,
      });
      return reply.status(201).send(cap);
    },
  );

  api.patch<{ Params: Static<typeof CapParams>; Body: CapPatchBody }>(
    '/offers/:id/caps/:capId',
    { schema: { tags, params: CapParams, body: CapPatchBody, response: { 200: Cap } } },
    async (request) => {
      requireRole(request, 'admin');
      return updateOfferCap(ctx, request.params.id, request.params.capId, request.body);
    },
  );

  api.get(
    '/caps/reached',
    { schema: { tags, response: { 200: Type.Object({ data: Type.Array(ReachedCap) }) } } },
    async (request) => {
      requireRole(request, 'admin');
      return { data: await listReachedCaps(ctx) };
    },
  );

  api.delete<{ Params: Static<typeof CapParams> }>(
    '/offers/:id/caps/:capId',
    { schema: { tags, params: CapParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      await deleteOfferCap(ctx, request.params.id, request.params.capId);
      return reply.status(204).send();
    },
  );
}
