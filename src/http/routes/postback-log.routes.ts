// /api/v1/postback-log: every inbound postback hit with its result, for debugging an
// advertiser's integration. Admin sees all; an advertiser key only its own hits. Publishers: 403.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { advertiserScope, requireRole } from '../../auth/principal.ts';
import type { PostbackLogRow } from '../../conversions/conversion.table.ts';
import { INBOUND_CODES, type InboundCode } from '../../conversions/inbound/inbound-codes.ts';
import { explainInboundCode, INBOUND_EXPLANATIONS } from '../../conversions/inbound/inbound-explanations.ts';
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
  clickId: Nullable(Type.String({ description: 'the click id the hit named, under any alias' })),
  txnId: Nullable(Type.String({ description: 'the transaction id the hit named' })),
  meaning: Type.String({ description: 'what the code means, in plain words' }),
  action: Type.String({ description: 'what to do about it' }),
  reason: Type.Optional(Nullable(Type.String({ description: 'the inbound rule’s reason code' }))),
});
const PostbackLogQuery = Type.Object({
  ...PAGE_FIELDS,
  advertiserId: Type.Optional(Id()),
  result: Type.Optional(StringEnum(RESULTS)),
  code: Type.Optional(Type.String({ maxLength: 64 })),
  clickId: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  txnId: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  conversionId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
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
    clickId: r.click_id,
    txnId: r.txn_id,
    ...explainInboundCode(r.code),
    reason: r.reason ?? null,
  };
}

const CodeExplanation = Type.Object({
  code: Type.String(),
  result: StringEnum(RESULTS),
  httpStatus: Type.Integer(),
  meaning: Type.String(),
  action: Type.String(),
});

export function registerPostbackLogRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.get(
    '/postback-log/codes',
    {
      schema: {
        tags: ['postback-log'],
        summary: 'every answer code of the inbound postback, what it means and what to do',
        response: { 200: Type.Object({ data: Type.Array(CodeExplanation) }) },
      },
    },
    async (request) => {
      requireRole(request, 'admin', 'advertiser');
      return {
        data: (Object.keys(INBOUND_CODES) as InboundCode[]).map((code) => ({
          code,
          result: INBOUND_CODES[code].result,
          httpStatus: INBOUND_CODES[code].http,
          ...INBOUND_EXPLANATIONS[code],
        })),
      };
    },
  );

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
        clickId: q.clickId,
        txnId: q.txnId,
        conversionId: q.conversionId,
        from: q.from,
        to: q.to,
      });
      return toPage(rows, limit, (r) => r.id, toPostbackLogView);
    },
  );
}
