// POST /api/v1/conversions/review: the manual review queue's decision on one or many held
// conversions (listed by GET /conversions?status=pending&needsReview=true). Admin only. Each
// conversion changes in its own transaction, through the same lifecycle as a single manual change.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../../auth/principal.ts';
import { actorOf, changeConversionStatus } from '../../conversions/lifecycle/conversion-status.service.ts';
import type { AppContext } from '../../server/app-context.ts';
import { StringEnum } from '../../shared/api-schemas.ts';
import { AppError } from '../../shared/errors.ts';

const ReviewBody = Type.Object({
  conversionIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 500 }),
  status: StringEnum(['approved', 'rejected'] as const, { description: 'approve or reject them all' }),
  reason: Type.String({ minLength: 1, maxLength: 500 }),
});
type ReviewBody = Static<typeof ReviewBody>;
const ReviewAnswer = Type.Object({
  data: Type.Array(
    Type.Object({
      conversionId: Type.String(),
      status: Type.Optional(Type.String()),
      error: Type.Optional(Type.String({ description: 'not_found or illegal_transition' })),
    }),
  ),
});

export function registerReviewRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.post<{ Body: ReviewBody }>(
    '/conversions/review',
    { schema: { tags: ['conversions'], body: ReviewBody, response: { 200: ReviewAnswer } } },
    async (request) => {
      const principal = requireRole(request, 'admin');
      const { status, reason } = request.body;
      const data = [];
      for (const conversionId of new Set(request.body.conversionIds)) {
        try {
          const row = await changeConversionStatus(ctx, {
            conversionId,
            status,
            reason,
            actor: actorOf(principal),
          });
          data.push({ conversionId, status: row.status });
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          data.push({ conversionId, error: error.code });
        }
      }
      return { data };
    },
  );
}
