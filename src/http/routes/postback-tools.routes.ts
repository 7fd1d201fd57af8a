// Troubleshooting tools of a postback: "Test Conversion" and "why did (or didn't) it fire?".
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../../auth/principal.ts';
import { diagnosePostback } from '../../deliveries/diagnosis/diagnose.service.ts';
import { fireTestPostback } from '../../deliveries/diagnosis/test-fire.service.ts';
import type { AppContext } from '../../server/app-context.ts';
import { IdParams, Millis, Nullable } from '../../shared/api-schemas.ts';

const TestFire = Type.Object({
  request: Type.Object(
    {
      method: Type.String(),
      url: Type.String(),
      headers: Type.Record(Type.String(), Type.String()),
      body: Nullable(Type.String()),
    },
    { description: 'the request as sent, each secret shown as REDACTED' },
  ),
  response: Type.Object({
    statusCode: Type.Integer({ description: '0 when no HTTP answer came' }),
    bodyExcerpt: Type.String(),
    truncated: Type.Boolean(),
  }),
  durationMs: Type.Integer(),
  errorClass: Nullable(Type.String()),
  explanation: Type.String({ description: 'what the answer means, in words' }),
  warnings: Type.Array(Type.String()),
});

const Diagnosis = Type.Object({
  postbackId: Type.Integer(),
  conversionId: Type.String(),
  summary: Type.String(),
  checks: Type.Array(Type.Object({ check: Type.String(), pass: Type.Boolean(), message: Type.String() })),
  events: Type.Array(
    Type.Object({
      eventId: Type.Integer(),
      fromStatus: Nullable(Type.String()),
      toStatus: Type.String(),
      at: Millis,
      statusAllowed: Type.Boolean(),
      overriddenBy: Nullable(Type.Integer()),
      wouldFire: Type.Boolean(),
      deliveryId: Nullable(Type.String()),
    }),
  ),
  deliveries: Type.Array(
    Type.Object({
      id: Type.String(),
      eventId: Type.Integer(),
      status: Type.String(),
      attempts: Type.Integer(),
      lastStatusCode: Nullable(Type.Integer()),
      lastError: Nullable(Type.String()),
      createdAt: Millis,
    }),
  ),
  lastAttempts: Type.Array(
    Type.Object({
      deliveryId: Nullable(Type.String()),
      attemptNo: Type.Integer(),
      trigger: Type.String(),
      statusCode: Type.Integer(),
      errorClass: Nullable(Type.String()),
      errorMessage: Nullable(Type.String()),
      durationMs: Type.Integer(),
      createdAt: Millis,
    }),
  ),
});

const DiagnoseQuery = Type.Object({ conversionId: Type.String({ minLength: 1, maxLength: 64 }) });

export function registerPostbackToolRoutes(api: FastifyInstance, ctx: AppContext): void {
  const tags = ['postbacks'];

  api.post<{ Params: IdParams }>(
    '/postbacks/:id/test',
    {
      schema: {
        tags,
        summary: 'send a test conversion now (sample values, no real click id) and explain the answer',
        params: IdParams,
        response: { 200: TestFire },
      },
    },
    async (request) => fireTestPostback(ctx, requireRole(request, 'admin', 'publisher'), request.params.id),
  );

  api.get<{ Params: IdParams; Querystring: { conversionId: string } }>(
    '/postbacks/:id/diagnose',
    {
      schema: {
        tags,
        summary: "why did (or didn't) this conversion fire this postback?",
        params: IdParams,
        querystring: DiagnoseQuery,
        response: { 200: Diagnosis },
      },
    },
    async (request) =>
      diagnosePostback(
        ctx,
        requireRole(request, 'admin', 'publisher'),
        request.params.id,
        request.query.conversionId,
      ),
  );
}
