// /api/v1/publishers. Admin manages them. A publisher key sees only itself (with its signing
// secret) and may rotate its own signing secret and security token. Advertiser keys: 403.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { publisherScope, requireRole } from '../../auth/principal.ts';
import { findPublisherById, listPublishers } from '../../catalog/publishers/publisher.repository.ts';
import {
  createPublisher,
  deletePublisher,
  rotateSecurityToken,
  rotateSigningSecret,
  SECURITY_TOKEN_PATTERN,
  toPublisherView,
  updatePublisher,
} from '../../catalog/publishers/publisher.service.ts';
import type { PublisherRow } from '../../catalog/publishers/publisher.table.ts';
import { getRewardSettings, saveRewardSettings } from '../../rewards/reward-settings.service.ts';
import type { AppContext } from '../../server/app-context.ts';
import { IdParams, Millis, Nullable, StringEnum } from '../../shared/api-schemas.ts';
import { parseIdCursor } from '../../shared/cursor.ts';
import { notFound } from '../../shared/errors.ts';
import { DEFAULT_PAGE_SIZE, PageOf, PageQuery, toPage } from '../../shared/pagination.ts';

const RewardSettings = Type.Object({
  enabled: Type.Boolean(),
  userSubId: StringEnum(
    ['sub1', 'sub2', 'sub3', 'sub4', 'sub5', 'sub6', 'sub7', 'sub8', 'sub9', 'sub10'] as const,
    {
      description: 'the click’s sub id that carries the user id',
    },
  ),
  currency: Type.String({ minLength: 1, maxLength: 40, description: 'what the points are called' }),
  pointsPerUnit: Type.Number({ minimum: 0, maximum: 1e9, description: 'points per unit of payout' }),
  pointsPerGoal: Type.Record(Type.String({ maxLength: 100 }), Type.Integer({ minimum: 0, maximum: 1e12 }), {
    description: 'fixed points for a goal, instead of the rate',
  }),
  rounding: StringEnum(['floor', 'round', 'ceil'] as const),
  creditOn: StringEnum(['approved', 'pending'] as const, {
    description: 'credit at once when pending, or only once approved',
  }),
  allowNegative: Type.Boolean({
    description:
      'a reversal of spent points may take the balance below zero (flagged); else it takes what is left',
  }),
});

const Publisher = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  securityToken: Type.String({ description: 'offered to this publisher’s postbacks as {security_token}' }),
  signingSecret: Type.Optional(Type.String({ description: 'Standard Webhooks secret (whsec_…)' })),
  previousSecretExpiresAt: Type.Optional(Nullable(Millis)),
  createdAt: Millis,
  updatedAt: Millis,
  rewards: Type.Optional(RewardSettings),
});
const PublisherBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  securityToken: Type.Optional(
    Type.String({
      pattern: SECURITY_TOKEN_PATTERN,
      description:
        'the token this publisher’s tracker issued (6–200 letters, digits, . _ ~ -); generated when left out',
    }),
  ),
});
type PublisherBody = Static<typeof PublisherBody>;
const PublisherPatch = Type.Composite([
  Type.Partial(PublisherBody),
  Type.Object({ rewards: Type.Optional(Type.Partial(RewardSettings)) }),
]);
type PublisherPatch = Static<typeof PublisherPatch>;

function assertVisible(request: FastifyRequest, id: number): void {
  const scope = publisherScope(request);
  if (scope !== undefined && scope !== id) throw notFound('publisher');
}

/** Only the publisher itself and admins ever see the signing secret. */
function viewFor(request: FastifyRequest) {
  const p = request.principal;
  return (row: PublisherRow) =>
    toPublisherView(row, {
      includeSecret: p.role === 'admin' || (p.role === 'publisher' && p.publisherId === row.id),
    });
}

export function registerPublisherRoutes(api: FastifyInstance, ctx: AppContext): void {
  const tags = ['publishers'];
  const db = ctx.store.db;

  api.post<{ Body: PublisherBody }>(
    '/publishers',
    { schema: { tags, body: PublisherBody, response: { 201: Publisher } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      return reply.status(201).send(viewFor(request)(await createPublisher(ctx, request.body)));
    },
  );

  api.get<{ Querystring: PageQuery }>(
    '/publishers',
    { schema: { tags, querystring: PageQuery, response: { 200: PageOf(Publisher) } } },
    async (request) => {
      const onlyId = publisherScope(request);
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
      const rows = await listPublishers(db, { afterId: parseIdCursor(request.query.cursor), limit, onlyId });
      return toPage(rows, limit, (r) => r.id, viewFor(request));
    },
  );

  api.get<{ Params: IdParams }>(
    '/publishers/:id',
    { schema: { tags, params: IdParams, response: { 200: Publisher } } },
    async (request) => {
      assertVisible(request, request.params.id);
      const row = await findPublisherById(db, request.params.id);
      if (!row) throw notFound('publisher');
      return { ...viewFor(request)(row), rewards: await getRewardSettings(ctx, row.id) };
    },
  );

  api.patch<{ Params: IdParams; Body: PublisherPatch }>(
    '/publishers/:id',
    { schema: { tags, params: IdParams, body: PublisherPatch, response: { 200: Publisher } } },
    async (request) => {
      requireRole(request, 'admin');
      const { rewards, ...fields } = request.body;
      const row = await updatePublisher(ctx, request.params.id, fields);
      const settings = rewards
        ? await saveRewardSettings(ctx, row.id, rewards)
        : await getRewardSettings(ctx, row.id);
      return { ...viewFor(request)(row), rewards: settings };
    },
  );

  api.post<{ Params: IdParams }>(
    '/publishers/:id/rotate-signing-secret',
    { schema: { tags, params: IdParams, response: { 200: Publisher } } },
    async (request) => {
      requireRole(request, 'admin', 'publisher');
      assertVisible(request, request.params.id);
      return viewFor(request)(await rotateSigningSecret(ctx, request.params.id));
    },
  );

  api.post<{ Params: IdParams }>(
    '/publishers/:id/rotate-security-token',
    {
      schema: {
        tags,
        summary: 'replace the security token with a new random one; postbacks send the new one at once',
        params: IdParams,
        response: { 200: Publisher },
      },
    },
    async (request) => {
      requireRole(request, 'admin', 'publisher');
      assertVisible(request, request.params.id);
      return viewFor(request)(await rotateSecurityToken(ctx, request.params.id));
    },
  );

  api.delete<{ Params: IdParams }>(
    '/publishers/:id',
    { schema: { tags, params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      await deletePublisher(ctx, request.params.id);
      return reply.status(204).send();
    },
  );
}
