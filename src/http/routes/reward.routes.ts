// /api/v1/publishers/:id/rewards: a rewards user's balance and ledger, and the entries written by
// hand (adjustment, redemption). Admin sees every publisher's users; a publisher key only its own;
// advertiser keys: 403.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { publisherScope, requireRole } from '../../auth/principal.ts';
import { findPublisherById } from '../../catalog/publishers/publisher.repository.ts';
import { actorOf } from '../../conversions/lifecycle/conversion-status.service.ts';
import { getUserLedger, recordManualEntry } from '../../rewards/reward-ledger.service.ts';
import type { AppContext } from '../../server/app-context.ts';
import { Id, Millis, Nullable, StringEnum } from '../../shared/api-schemas.ts';
import { parseIdCursor } from '../../shared/cursor.ts';
import { notFound } from '../../shared/errors.ts';
import { DEFAULT_PAGE_SIZE, PageQuery } from '../../shared/pagination.ts';

const UserParams = Type.Object({ id: Id(), userId: Type.String({ minLength: 1, maxLength: 200 }) });
type UserParams = Static<typeof UserParams>;

const Entry = Type.Object({
  id: Type.Integer(),
  kind: StringEnum(['credit', 'reversal', 'adjustment', 'redemption'] as const),
  points: Type.Integer({ description: 'signed' }),
  balanceAfter: Type.Integer(),
  conversionId: Nullable(Type.String()),
  status: Nullable(Type.String({ description: 'the conversion’s status when the entry was written' })),
  reverses: Type.Optional(Type.Integer({ description: 'a reversal: the credit it undoes' })),
  flagged: Type.Boolean({ description: 'left the balance negative, or could not take a credit back whole' }),
  reason: Nullable(Type.String()),
  createdAt: Millis,
});
const Ledger = Type.Object({
  userId: Type.String(),
  balance: Type.Integer(),
  entries: Type.Array(Entry),
  nextCursor: Nullable(Type.String()),
});
const ManualBody = Type.Object({
  points: Type.Integer({ minimum: -1e12, maximum: 1e12 }),
  idempotencyKey: Type.String({ minLength: 1, maxLength: 200 }),
  reason: Type.Optional(Type.String({ maxLength: 500 })),
  allowOverdraw: Type.Optional(
    Type.Boolean({ description: 'let the balance fall below zero (refused by default)' }),
  ),
});
type ManualBody = Static<typeof ManualBody>;

async function assertPublisher(ctx: AppContext, request: FastifyRequest, id: number): Promise<void> {
  const scope = publisherScope(request);
  if ((scope !== undefined && scope !== id) || !(await findPublisherById(ctx.store.db, id))) {
    throw notFound('publisher');
  }
}

export function registerRewardRoutes(api: FastifyInstance, ctx: AppContext): void {
  const tags = ['rewards'];

  api.get<{ Params: UserParams; Querystring: PageQuery }>(
    '/publishers/:id/rewards/users/:userId',
    { schema: { tags, params: UserParams, querystring: PageQuery, response: { 200: Ledger } } },
    async (request) => {
      await assertPublisher(ctx, request, request.params.id);
      return getUserLedger(ctx, {
        publisherId: request.params.id,
        userId: request.params.userId,
        beforeId: parseIdCursor(request.query.cursor),
        limit: request.query.limit ?? DEFAULT_PAGE_SIZE,
      });
    },
  );

  for (const kind of ['adjustment', 'redemption'] as const) {
    api.post<{ Params: UserParams; Body: ManualBody }>(
      `/publishers/:id/rewards/users/:userId/${kind}s`,
      {
        schema: {
          tags,
          summary:
            kind === 'redemption'
              ? 'spend points (positive); the same idempotencyKey again answers the entry already written'
              : 'add or take points (signed); the same idempotencyKey again answers the entry already written',
          params: UserParams,
          body: ManualBody,
          response: { 200: Entry, 201: Entry },
        },
      },
      async (request, reply) => {
        const principal = requireRole(request, 'admin', 'publisher');
        await assertPublisher(ctx, request, request.params.id);
        const { entry, replayed } = await recordManualEntry(ctx, {
          publisherId: request.params.id,
          userId: request.params.userId,
          kind,
          points: request.body.points,
          idempotencyKey: request.body.idempotencyKey,
          reason: request.body.reason ?? null,
          allowOverdraw: request.body.allowOverdraw === true,
          actor: actorOf(principal),
        });
        return reply.status(replayed ? 200 : 201).send(entry);
      },
    );
  }
}
