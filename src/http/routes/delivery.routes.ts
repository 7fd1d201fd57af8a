// /api/v1/deliveries: what was owed, what was tried, and the operator's resend buttons.
// Admin keys see everything; publisher keys see (and resend) only their own; advertiser keys nothing.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { publisherScope, requireRole } from '../../auth/principal.ts';
import { ID_PAGE_SCAN_LIMIT } from '../../db/id-order-page.ts';
import {
  DELIVERY_ID_PREFIX,
  DELIVERY_STATUSES,
  type DeliveryAttemptRow,
  type DeliveryRow,
} from '../../deliveries/delivery.table.ts';
import {
  countDeliveriesByStatus,
  findOldestPendingAt,
  listDeliveries,
  listFailingEndpoints,
} from '../../deliveries/delivery-query.repository.ts';
import { TRACKWIRE_USER_AGENT } from '../../deliveries/prepare/user-agent.ts';
import { CircuitBreaker } from '../../deliveries/transport/circuit-breaker.ts';
import { createSender } from '../../deliveries/transport/http-sender.ts';
import {
  getDeliveryWithAttempts,
  MAX_BULK_RESEND,
  resendDelivery,
  resendFailedDeliveries,
} from '../../deliveries/worker/delivery.service.ts';
import type { AttemptDeps } from '../../deliveries/worker/delivery-attempt.ts';
import { createPlatformDeps, type PlatformDeps } from '../../deliveries/worker/platform-attempt.ts';
import type { AppContext } from '../../server/app-context.ts';
import { Millis, Nullable, StringEnum, TextIdParams, TimeRange } from '../../shared/api-schemas.ts';
import { idPageCursor, parseIdPageCursor } from '../../shared/cursor.ts';
import { DEFAULT_PAGE_SIZE, PAGE_FIELDS, PageOf } from '../../shared/pagination.ts';

const S = Nullable(Type.String());
const Delivery = Type.Object({
  id: Type.String({ description: 'also the {postback_id} macro and the webhook-id header' }),
  conversionId: Nullable(Type.String({ description: 'null for a rewards ledger entry written by hand' })),
  conversionEventId: Nullable(Type.Integer()),
  rewardEntryId: Nullable(Type.Integer({ description: 'the adjustment or redemption it tells about' })),
  postbackId: Type.Integer(),
  publisherId: Type.Integer(),
  status: StringEnum(DELIVERY_STATUSES),
  attempts: Type.Integer({ description: 'automatic attempts spent' }),
  nextRunAt: Millis,
  lastStatusCode: Nullable(Type.Integer()),
  lastError: S,
  createdAt: Millis,
  updatedAt: Millis,
  completedAt: Nullable(Millis),
});
const Attempt = Type.Object({
  id: Type.Integer(),
  attemptNo: Type.Integer(),
  trigger: StringEnum(['scheduled', 'manual', 'test'] as const),
  url: Type.String({ description: 'final URL, secrets redacted' }),
  method: Type.String(),
  requestHeaders: Type.Record(Type.String(), Type.String()),
  requestBody: S,
  statusCode: Type.Integer({ description: '0 when no HTTP answer came' }),
  responseExcerpt: S,
  responseTruncated: Type.Boolean(),
  durationMs: Type.Integer(),
  errorClass: S,
  errorMessage: S,
  createdAt: Millis,
  traceId: Type.Optional(
    Nullable(Type.String({ description: "ad platforms: the platform's id of the request" })),
  ),
});
const DeliveryWithAttempts = Type.Composite([Delivery, Type.Object({ attemptLog: Type.Array(Attempt) })]);
const ListQuery = Type.Object({
  ...PAGE_FIELDS,
  status: Type.Optional(StringEnum(DELIVERY_STATUSES)),
  publisherId: Type.Optional(Type.Integer({ minimum: 1 })),
  postbackId: Type.Optional(Type.Integer({ minimum: 1 })),
  conversionId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  ...TimeRange,
});
type ListQuery = Static<typeof ListQuery>;
const BulkResendBody = Type.Object({
  postbackId: Type.Integer({ minimum: 1 }),
  since: Millis,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_BULK_RESEND, default: 1000 })),
});
type BulkResendBody = Static<typeof BulkResendBody>;
const MAX_FAILING_ENDPOINTS = 50;
const QueueHealth = Type.Object({
  counts: Type.Record(Type.String(), Type.Integer(), { description: 'deliveries per status' }),
  pending: Type.Integer(),
  held: Type.Integer({ description: 'waiting for a disabled endpoint to be enabled' }),
  failed: Type.Integer(),
  oldestPendingAt: Nullable(Millis),
  oldestPendingAgeMs: Nullable(Type.Integer()),
  failingEndpoints: Type.Array(
    Type.Object({
      postbackId: Type.Integer(),
      publisherId: Type.Integer(),
      state: Type.String(),
      failureStreak: Type.Integer(),
      lastFailureAt: Nullable(Millis),
      lastSuccessAt: Nullable(Millis),
      disabledReason: S,
    }),
    {
      description: `disabled endpoints and those failing now, worst first (at most ${MAX_FAILING_ENDPOINTS})`,
    },
  ),
});

export function toDeliveryView(r: DeliveryRow) {
  return {
    id: r.id,
    conversionId: r.conversion_id,
    conversionEventId: r.conversion_event_id,
    rewardEntryId: r.reward_entry_id === null ? null : Number(r.reward_entry_id),
    postbackId: r.postback_id,
    publisherId: r.publisher_id,
    status: r.status,
    attempts: r.attempts,
    nextRunAt: r.next_run_at,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    completedAt: r.completed_at,
  };
}

function toAttemptView(a: DeliveryAttemptRow) {
  return {
    id: a.id,
    attemptNo: a.attempt_no,
    trigger: a.trigger,
    url: a.url,
    method: a.method,
    requestHeaders: JSON.parse(a.request_headers) as Record<string, string>,
    requestBody: a.request_body,
    statusCode: a.status_code,
    responseExcerpt: a.response_excerpt,
    responseTruncated: a.response_truncated === 1,
    durationMs: a.duration_ms,
    errorClass: a.error_class,
    errorMessage: a.error_message,
    createdAt: a.created_at,
    traceId: a.trace_id ?? null,
  };
}

const withAttempts = (r: { delivery: DeliveryRow; attempts: DeliveryAttemptRow[] }) => ({
  ...toDeliveryView(r.delivery),
  attemptLog: r.attempts.map(toAttemptView),
});

export function registerDeliveryRoutes(api: FastifyInstance, ctx: AppContext): void {
  const tags = ['deliveries'];
  // Manual resends go out from this node, so the API has its own sender (SSRF guard included).
  const sender = createSender({
    allowPrivateTargets: ctx.config.allowPrivateTargets,
    allowedTargets: ctx.config.allowedTargets,
    userAgent: TRACKWIRE_USER_AGENT,
  });
  const platform = createPlatformDeps(ctx.config, TRACKWIRE_USER_AGENT);
  api.addHook('onClose', async () => {
    await sender.close();
    await platform.sender.close();
  });
  const deps: AttemptDeps & { platform: PlatformDeps } = {
    platform,
    sender,
    breaker: new CircuitBreaker(),
    clock: ctx.clock,
    log: ctx.log.child({ component: 'delivery-api' }),
    userAgent: TRACKWIRE_USER_AGENT,
    retrySchedule: ctx.config.retrySchedule,
  };

  api.get<{ Querystring: ListQuery }>(
    '/deliveries',
    {
      schema: {
        tags,
        description: `Newest first. With a filter (status, publisherId, postbackId, conversionId, or a publisher key), a page reads at most ${ID_PAGE_SCAN_LIMIT} deliveries, so it may hold fewer than \`limit\` while nextCursor goes on: follow nextCursor until it is null.`,
        querystring: ListQuery,
        response: { 200: PageOf(Delivery) },
      },
    },
    async (request) => {
      const scope = publisherScope(request);
      const q = request.query;
      if (scope !== undefined && q.publisherId !== undefined && q.publisherId !== scope) {
        return { data: [], nextCursor: null };
      }
      const limit = q.limit ?? DEFAULT_PAGE_SIZE;
      const page = await listDeliveries(ctx.store.db, {
        limit,
        beforeId: parseIdPageCursor(q.cursor),
        status: q.status,
        publisherId: scope ?? q.publisherId,
        hideNetwork: scope !== undefined,
        postbackId: q.postbackId,
        conversionId: q.conversionId,
        from: q.from,
        to: q.to,
      });
      return {
        data: page.rows.map(toDeliveryView),
        nextCursor: idPageCursor(page.nextBeforeId, DELIVERY_ID_PREFIX),
      };
    },
  );

  api.get(
    '/deliveries/health',
    {
      schema: {
        tags,
        summary: 'queue health: backlog, oldest wait, failing endpoints',
        response: { 200: QueueHealth },
      },
    },
    async (request) => {
      requireRole(request, 'admin');
      const db = ctx.store.db;
      const [counts, oldestPendingAt, failing] = await Promise.all([
        countDeliveriesByStatus(db),
        findOldestPendingAt(db),
        listFailingEndpoints(db, MAX_FAILING_ENDPOINTS),
      ]);
      return {
        counts: Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, counts.get(status) ?? 0])),
        pending: counts.get('pending') ?? 0,
        held: counts.get('held') ?? 0,
        failed: counts.get('failed') ?? 0,
        oldestPendingAt,
        oldestPendingAgeMs: oldestPendingAt === null ? null : Math.max(0, ctx.clock.now() - oldestPendingAt),
        failingEndpoints: failing.map((p) => ({
          postbackId: p.id,
          publisherId: p.publisher_id,
          state: p.state,
          failureStreak: p.failure_streak,
          lastFailureAt: p.last_failure_at,
          lastSuccessAt: p.last_success_at,
          disabledReason: p.disabled_reason,
        })),
      };
    },
  );

  api.get<{ Params: TextIdParams }>(
    '/deliveries/:id',
    { schema: { tags, params: TextIdParams, response: { 200: DeliveryWithAttempts } } },
    async (request) =>
      withAttempts(
        await getDeliveryWithAttempts(ctx, request.params.id, { publisherId: publisherScope(request) }),
      ),
  );

  api.post<{ Params: TextIdParams }>(
    '/deliveries/:id/retry',
    {
      schema: {
        tags,
        summary: 'send this delivery now (a manual attempt; the automatic budget is untouched)',
        params: TextIdParams,
        response: { 200: DeliveryWithAttempts },
      },
    },
    async (request) =>
      withAttempts(
        await resendDelivery(ctx, deps, request.params.id, { publisherId: publisherScope(request) }),
      ),
  );

  api.post<{ Body: BulkResendBody }>(
    '/deliveries/resend',
    {
      schema: {
        tags,
        summary: "requeue an endpoint's failed deliveries created since a time (through the normal queue)",
        body: BulkResendBody,
        response: { 200: Type.Object({ requeued: Type.Integer() }) },
      },
    },
    async (request) => {
      const scope = publisherScope(request);
      const b = request.body;
      const requeued = await resendFailedDeliveries(
        ctx,
        { postbackId: b.postbackId, since: b.since, limit: b.limit ?? 1000 },
        { publisherId: scope },
      );
      return { requeued };
    },
  );
}
