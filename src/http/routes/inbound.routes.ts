// Inbound postbacks: GET, POST form or POST JSON at /postback (token in a parameter) and at the
// advertiser's own URL /postback/:token. Parse, call one service, map its result to HTTP.
// The routes live in their own plugin scope with a catch-all body parser, so garbage bodies,
// odd content types and broken JSON reach our code (and the postback log) instead of failing
// in the framework.
import type { TLSSocket } from 'node:tls';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import { createInboundPipeline } from '../../conversions/inbound/inbound.service.ts';
import {
  answerFor,
  INBOUND_CODES,
  type InboundCode,
  type InboundResult,
} from '../../conversions/inbound/inbound-codes.ts';
import { parseInboundRequest } from '../../conversions/inbound/inbound-request.ts';
import { INBOUND_ALIASES, SUB_PARAMS } from '../../conversions/inbound/names/inbound-params.ts';
import { resolveRequestSource } from '../../conversions/inbound/request-source.ts';
import { isStoreUnavailable, logStoreFailure } from '../../db/store-unavailable.ts';
import type { AppContext } from '../../server/app-context.ts';
import { parseCidrList } from '../../shared/cidr.ts';

const AnswerSchema = Type.Object({
  result: Type.Union([Type.Literal('accepted'), Type.Literal('duplicate'), Type.Literal('rejected')]),
  code: Type.Union(Object.keys(INBOUND_CODES).map((code) => Type.Literal(code))),
  conversionId: Type.Optional(Type.String()),
  status: Type.Optional(Type.String()),
  reason: Type.Optional(
    Type.String({ description: 'the inbound rule’s reason code, when one held or rejected it' }),
  ),
});
export type InboundAnswerBody = Static<typeof AnswerSchema>;

const documentedParams = [...Object.values(INBOUND_ALIASES).flat(), 'sale_amount', ...SUB_PARAMS];
const QuerySchema = Type.Object(
  Object.fromEntries(documentedParams.map((name) => [name, Type.Optional(Type.String())])),
  { additionalProperties: true },
);

const schema = {
  tags: ['inbound postbacks'],
  summary: 'Receive a conversion postback from an advertiser (GET query, POST form or POST JSON)',
  querystring: QuerySchema,
  response: { 200: AnswerSchema, '4xx': AnswerSchema, '5xx': AnswerSchema },
};

function pathTokenOf(params: Record<string, string> | undefined): string | undefined {
  return params?.token ?? params?.['*'];
}

export function registerInboundPostbackRoutes(app: FastifyInstance, ctx: AppContext): void {
  const trustedProxies = parseCidrList(ctx.config.trustedProxies);
  const pipeline = createInboundPipeline(ctx);

  function parse(request: FastifyRequest) {
    const socket = request.raw.socket;
    return parseInboundRequest({
      method: request.method,
      url: request.url,
      pathToken: pathTokenOf(request.params as Record<string, string> | undefined),
      headers: request.headers,
      body: typeof request.body === 'string' ? request.body : undefined,
      source: resolveRequestSource(
        socket.remoteAddress,
        Boolean((socket as TLSSocket).encrypted),
        request.headers,
        trustedProxies,
      ),
    });
  }

  function send(reply: FastifyReply, outcome: InboundResult) {
    const { http, body } = answerFor(outcome);
    if (outcome.retryAfterSeconds !== undefined)
      reply.header('retry-after', String(outcome.retryAfterSeconds));
    return reply.status(http).header('cache-control', 'no-store').send(body);
  }

  // Hits refused before the check (method, oversized body, a failing store) are logged too.
  async function logOnly(request: FastifyRequest, reply: FastifyReply, code: InboundCode) {
    try {
      await pipeline.refuse(parse(request), code);
    } catch (error) {
      logStoreFailure(request.log, error, 'postback log write failed');
    }
    return send(reply, { code });
  }

  function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return logOnly(request, reply, 'payload_too_large');
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return logOnly(request, reply, 'invalid_body');
    }
    logStoreFailure(request.log, error, 'inbound postback failed');
    return logOnly(request, reply, isStoreUnavailable(error) ? 'store_unavailable' : 'internal');
  }

  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    // '/postback/*' catches what '/postback/:token' cannot (over-long or multi-segment tokens), so
    // those hits are answered and logged like any other bad token.
    for (const url of ['/postback', '/postback/:token', '/postback/*']) {
      scope.route({
        method: ['GET', 'POST'],
        url,
        schema: url.endsWith('*') ? ({ ...schema, hide: true } as FastifySchema) : schema,
        // The query is read from the raw URL; the schema only documents the common names.
        attachValidation: true,
        // A HEAD from a link checker must not record a conversion.
        exposeHeadRoute: false,
        errorHandler,
        handler: async (request, reply) => send(reply, await pipeline.ingest(parse(request))),
      });
      scope.route({
        method: ['HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        url,
        schema: { hide: true } as FastifySchema,
        errorHandler,
        handler: (request, reply) => logOnly(request, reply, 'method_not_allowed'),
      });
    }
  });
}
