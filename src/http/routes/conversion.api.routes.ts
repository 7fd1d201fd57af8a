// /api/v1/conversions. Admin sees all; an advertiser key sees conversions on its offers; a
// publisher key sees its own. Each reads only the fields its role may (auth/field-visibility.ts).
// Only admins change a status by hand.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { KeyRole } from '../../auth/api-key.table.ts';
import { canReadField, readableView } from '../../auth/field-visibility.ts';
import { requireRole } from '../../auth/principal.ts';
import {
  ADV_SUB_COLUMNS,
  type AdvSubColumn,
  CONVERSION_ID_PREFIX,
  type ConversionEventRow,
  type ConversionRow,
  STATUSES,
} from '../../conversions/conversion.table.ts';
import { actorOf, changeConversionStatus } from '../../conversions/lifecycle/conversion-status.service.ts';
import { ID_PAGE_SCAN_LIMIT } from '../../db/id-order-page.ts';
import {
  findConversionRowById,
  listConversionEvents,
  listConversions,
} from '../../reports/activity.repository.ts';
import type { AppContext } from '../../server/app-context.ts';
import { Id, Millis, Nullable, StringEnum, TextIdParams, TimeRange } from '../../shared/api-schemas.ts';
import { idPageCursor, parseIdPageCursor } from '../../shared/cursor.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import { ID_PATTERN, idTime } from '../../shared/ids.ts';
import { DEFAULT_PAGE_SIZE, PAGE_FIELDS, PageOf } from '../../shared/pagination.ts';

const S = Nullable(Type.String());
/** Fields a role may not read are absent (auth/field-visibility.ts). */
export const Conversion = Type.Object({
  id: Type.String(),
  clickId: Type.String(),
  offerId: Type.Integer(),
  publisherId: Type.Integer(),
  advertiserId: Type.Optional(Type.Integer()),
  linkId: Type.Integer(),
  goal: Type.String(),
  txnId: S,
  status: StringEnum(STATUSES),
  statusRaw: S,
  payout: Type.Optional(Type.Number({ description: 'what the publisher earns' })),
  revenue: Type.Optional(Type.Number({ description: 'what the advertiser pays' })),
  saleAmount: Type.Optional(Nullable(Type.Number({ description: 'order value' }))),
  currency: Type.String(),
  needsReview: Type.Optional(Type.Boolean()),
  reviewReason: Type.Optional(S),
  ...(Object.fromEntries(
    ADV_SUB_COLUMNS.map((c, i) => [
      c,
      Nullable(Type.String({ description: `sub${i + 1} as the advertiser sent it` })),
    ]),
  ) as Record<AdvSubColumn, typeof S>),
  createdAt: Millis,
  updatedAt: Millis,
  clickedAt: Nullable(Millis),
});
const ConversionEvent = Type.Object({
  id: Type.Integer(),
  fromStatus: Nullable(StringEnum(STATUSES)),
  toStatus: StringEnum(STATUSES),
  statusRaw: S,
  payout: Type.Optional(Type.Number()),
  source: StringEnum(['postback', 'manual', 'override'] as const),
  reason: S,
  postbackLogId: Nullable(Type.Integer()),
  actor: Type.Optional(
    Nullable(Type.String({ description: 'manual changes: key:<id>, or env for TRACKWIRE_ADMIN_KEY' })),
  ),
  createdAt: Millis,
});
const ConversionWithHistory = Type.Composite([
  Conversion,
  Type.Object({ history: Type.Array(ConversionEvent) }),
]);
const ConversionListQuery = Type.Object({
  ...PAGE_FIELDS,
  status: Type.Optional(StringEnum(STATUSES)),
  offerId: Type.Optional(Id()),
  publisherId: Type.Optional(Id()),
  advertiserId: Type.Optional(Id()),
  needsReview: Type.Optional(Type.Boolean()),
  goal: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  clickId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  txnId: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  ...TimeRange,
});
type ConversionListQuery = Static<typeof ConversionListQuery>;
const StatusChangeBody = Type.Object({
  status: StringEnum(STATUSES),
  reason: Type.String({ minLength: 1, maxLength: 500 }),
  override: Type.Optional(
    Type.Boolean({
      description:
        'true: move it even where the lifecycle forbids (a reversed conversion, …); recorded as an override',
    }),
  ),
});
type StatusChangeBody = Static<typeof StatusChangeBody>;

export function toConversionView(r: ConversionRow, role: KeyRole) {
  return readableView('conversion', role, {
    id: r.id,
    clickId: r.click_id,
    offerId: r.offer_id,
    publisherId: r.publisher_id,
    advertiserId: r.advertiser_id,
    linkId: r.link_id,
    goal: r.goal,
    txnId: r.txn_id,
    status: r.status,
    statusRaw: r.status_raw,
    payout: r.payout,
    revenue: r.revenue,
    saleAmount: r.sale_amount,
    currency: r.currency,
    needsReview: r.needs_review === 1,
    reviewReason: r.review_reason,
    ...advSubsOf(r),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    clickedAt: ID_PATTERN.test(r.click_id) ? idTime(r.click_id) : null,
  });
}

function advSubsOf(r: ConversionRow): Record<AdvSubColumn, string | null> {
  return Object.fromEntries(ADV_SUB_COLUMNS.map((c) => [c, r[c]])) as Record<AdvSubColumn, string | null>;
}

function toEventView(e: ConversionEventRow, role: KeyRole) {
  return readableView('conversionEvent', role, {
    id: e.id,
    fromStatus: e.from_status,
    toStatus: e.to_status,
    statusRaw: e.status_raw,
    payout: e.payout,
    source: e.source,
    reason: e.reason,
    postbackLogId: e.postback_log_id,
    actor: e.actor,
    createdAt: e.created_at,
  });
}

/** The caller's fixed filter: its advertiser or its publisher; nothing for admins. */
function scopeOf(request: FastifyRequest): { advertiserId?: number; publisherId?: number } {
  const p = requireRole(request, 'admin', 'advertiser', 'publisher');
  if (p.role === 'advertiser') return { advertiserId: p.advertiserId ?? -1 };
  if (p.role === 'publisher') return { publisherId: p.publisherId ?? -1 };
  return {};
}

function isVisible(row: ConversionRow, scope: ReturnType<typeof scopeOf>): boolean {
  if (scope.advertiserId !== undefined && row.advertiser_id !== scope.advertiserId) return false;
  if (scope.publisherId !== undefined && row.publisher_id !== scope.publisherId) return false;
  return true;
}

export function registerConversionApiRoutes(api: FastifyInstance, ctx: AppContext): void {
  const tags = ['conversions'];
  const db = ctx.store.db;

  api.get<{ Querystring: ConversionListQuery }>(
    '/conversions',
    {
      schema: {
        tags,
        description: `Newest first. clickId answers every conversion of that click. With another filter (status, needsReview, offerId, publisherId, advertiserId, goal, txnId, or a scoped key), a page reads at most ${ID_PAGE_SCAN_LIMIT} conversions, so it may hold fewer than \`limit\` while nextCursor goes on: follow nextCursor until it is null.`,
        querystring: ConversionListQuery,
        response: { 200: PageOf(Conversion) },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const q = request.query;
      // Filtering on a field is reading it.
      if (q.needsReview !== undefined && !canReadField('conversion', 'needsReview', request.principal.role)) {
        throw new AppError('forbidden', 'this key may not read needsReview');
      }
      // A filter naming someone else's advertiser or publisher finds nothing.
      const clash =
        (scope.advertiserId !== undefined &&
          q.advertiserId !== undefined &&
          q.advertiserId !== scope.advertiserId) ||
        (scope.publisherId !== undefined &&
          q.publisherId !== undefined &&
          q.publisherId !== scope.publisherId);
      if (clash) return { data: [], nextCursor: null };
      const limit = q.limit ?? DEFAULT_PAGE_SIZE;
      const page = await listConversions(db, {
        limit,
        beforeId: parseIdPageCursor(q.cursor),
        status: q.status,
        offerId: q.offerId,
        publisherId: scope.publisherId ?? q.publisherId,
        advertiserId: scope.advertiserId ?? q.advertiserId,
        needsReview: q.needsReview,
        goal: q.goal,
        clickId: q.clickId,
        txnId: q.txnId,
        from: q.from,
        to: q.to,
      });
      const role = request.principal.role;
      return {
        data: page.rows.map((r) => toConversionView(r, role)),
        nextCursor: idPageCursor(page.nextBeforeId, CONVERSION_ID_PREFIX),
      };
    },
  );

  api.get<{ Params: Static<typeof TextIdParams> }>(
    '/conversions/:id',
    { schema: { tags, params: TextIdParams, response: { 200: ConversionWithHistory } } },
    async (request) => {
      const scope = scopeOf(request);
      const row = await findConversionRowById(db, request.params.id);
      if (!row || !isVisible(row, scope)) throw notFound('conversion');
      const history = await listConversionEvents(db, row.id);
      const role = request.principal.role;
      return {
        ...toConversionView(row, role),
        history: history.map((e) => toEventView(e, role)),
      };
    },
  );

  api.post<{ Params: Static<typeof TextIdParams>; Body: StatusChangeBody }>(
    '/conversions/:id/status',
    {
      schema: {
        tags,
        params: TextIdParams,
        body: StatusChangeBody,
        response: { 200: ConversionWithHistory },
      },
    },
    async (request) => {
      const principal = requireRole(request, 'admin');
      const row = await changeConversionStatus(ctx, {
        conversionId: request.params.id,
        status: request.body.status,
        reason: request.body.reason,
        actor: actorOf(principal),
        override: request.body.override,
      });
      const history = await listConversionEvents(db, row.id);
      return {
        ...toConversionView(row, 'admin'),
        history: history.map((e) => toEventView(e, 'admin')),
      };
    },
  );
}
