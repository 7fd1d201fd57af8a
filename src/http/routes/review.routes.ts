// The manual review queue. GET /api/v1/conversions/review pages the held conversions (pending and
// flagged for review) newest first, with their total; an advertiser key sees its own offers' queue.
// POST decides one or many: admin only, each conversion in its own transaction, through the same
// lifecycle as a single manual change.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../../auth/principal.ts';
import { CONVERSION_ID_PREFIX } from '../../conversions/conversion.table.ts';
import { actorOf, changeConversionStatus } from '../../conversions/lifecycle/conversion-status.service.ts';
import { countHeldConversions, listHeldConversions } from '../../conversions/review-queue.repository.ts';
import type { AppContext } from '../../server/app-context.ts';
import { StringEnum } from '../../shared/api-schemas.ts';
import { idPageCursor, parseIdPageCursor } from '../../shared/cursor.ts';
import { AppError } from '../../shared/errors.ts';
import { DEFAULT_PAGE_SIZE, PageOf, PageQuery } from '../../shared/pagination.ts';
import { Conversion, toConversionView } from './conversion.api.routes.ts';

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

const HeldPage = Type.Composite([
  PageOf(Conversion),
  Type.Object({ total: Type.Integer({ description: 'held conversions in the whole queue' }) }),
]);

export function registerReviewRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.get<{ Querystring: PageQuery }>(
    '/conversions/review',
    {
      schema: {
        tags: ['conversions'],
        description: 'Held conversions, newest first; follow nextCursor until it is null.',
        querystring: PageQuery,
        response: { 200: HeldPage },
      },
    },
    async (request) => {
      // Publisher keys may not read needsReview (auth/field-visibility.ts), so not the queue either.
      const principal = requireRole(request, 'admin', 'advertiser');
      const role = principal.role;
      const advertiserId = role === 'advertiser' ? (principal.advertiserId ?? -1) : undefined;
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
      const beforeId = parseIdPageCursor(request.query.cursor);
      const db = ctx.store.db;
      const [rows, total] = await Promise.all([
        listHeldConversions(db, { advertiserId }, { limit, beforeId }),
        countHeldConversions(db, { advertiserId }),
      ]);
      const more = rows.length > limit;
      const page = more ? rows.slice(0, limit) : rows;
      return {
        data: page.map((r) => toConversionView(r, role)),
        nextCursor: more ? idPageCursor(page[page.length - 1].id, CONVERSION_ID_PREFIX) : null,
        total,
      };
    },
  );

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
