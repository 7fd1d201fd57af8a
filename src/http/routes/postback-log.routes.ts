// /api/v1/postback-log: every inbound postback hit with its result, for debugging an
// advertiser's integration. Admin sees all; an advertiser key only its own hits. Publishers: 403.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { advertiserScope } from '../../auth/principal.ts';
import type { PostbackLogRow } from '../../conversions/conversion.table.ts';
import { listPostbackLog } from '../../reports/activity.repository.ts';
import type { AppContext } from '../../server/app-context.ts';
import { Id, Millis, Nullable, StringEnum, TimeRange } from '../../shared/api-schemas.ts';
import { parseIdCursor } from '../../shared/cursor.ts';
import { DEFAULT_PAGE_SIZE, PAGE_FIELDS, PageOf, toPage } from '../../shared/pagination.ts';

const RESULTS = ['accepted', 'duplicate', 'rejected'] as const;
const PostbackLogEntry = Type.Object({
  id: Type.Integer(),
  receivedAt: Millis,
  method: Type.String(),
  url: Type.String({ description: 'path and query as received, secrets redacted' }),
  ip: Nullable(Type.String()),
  scheme: Type.String(),
  headers: Type.Record(Type.String(), Type.Unknown()),
  body: Nullable(Type.String()),
  advertiserId: Nullable(Type.Integer()),
  result: StringEnum(RESULTS),
  code: Type.String(),
  httpStatus: Type.Integer(),
  conversionId: Nullable(Type.String()),
  insecure: Type.Boolean(),
  reason: Type.Optional(Nullable(Type.String({ description: 'the inbound rule’s reason code' }))),
});
const PostbackLogQuery = Type.Object({
  ...PAGE_FIELDS,
  advertiserId: Type.Optional(Id()),
  result: Type.Optional(StringEnum(RESULTS)),
  code: Type.Optional(Type.String({ maxLength: 64 })),
  ...TimeRange,
});
type PostbackLogQuery = Static<typeof PostbackLogQuery>;

function parseHeaders(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export function toPostbackLogView(r: PostbackLogRow) {
  return {
    id: r.id,
    receivedAt: r.received_at,
    method: r.method,
    url: r.url,
    ip: r.ip,
    scheme: r.scheme,
    headers: parseHeaders(r.headers),
    body: r.body,
    advertiserId: r.advertiser_id,
    result: r.result,
    code: r.code,
    httpStatus: r.http_status,
    conversionId: r.conversion_id,
    insecure: r.insecure === 1,
    reason: r.reason ?? null,
  };
}

export function registerPostbackLogRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.get<{ Querystring: PostbackLogQuery }>(
    '/postback-log',
    {
      schema: {
        tags: ['postback-log'],
        querystring: PostbackLogQuery,
        response: { 200: PageOf(PostbackLogEntry) },
      },
    },
    async (request) => {
      const scope = advertiserScope(request);
      const q = request.query;
      if (scope !== undefined && q.advertiserId !== undefined && q.advertiserId !== scope) {
        return { data: [], nextCursor: null };
      }
      const limit = q.limit ?? DEFAULT_PAGE_SIZE;
      const rows = await listPostbackLog(ctx.store.db, {
        limit,
        beforeId: parseIdCursor(q.cursor),
        advertiserId: scope ?? q.advertiserId,
        result: q.result,
        code: q.code,
        from: q.from,
        to: q.to,
      });
      return toPage(rows, limit, (r) => r.id, toPostbackLogView);
    },
  );
}
