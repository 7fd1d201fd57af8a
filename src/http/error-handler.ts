// Turns anything thrown in a route into `{ "error": { code, message } }`: AppErrors as they are,
// framework validation errors as validation_failed naming the field, a lost store as 503, anything
// else as an opaque 500.
import type { FastifyError, FastifyInstance } from 'fastify';
import { isStoreUnavailable, logStoreFailure } from '../db/store-unavailable.ts';
import { AppError, errorBody } from '../shared/errors.ts';

function fieldOf(error: FastifyError): string | undefined {
  const first = error.validation?.[0];
  if (!first) return undefined;
  const params = first.params as { missingProperty?: string; additionalProperty?: string } | undefined;
  const missing = params?.missingProperty ?? params?.additionalProperty;
  const path = first.instancePath?.replace(/^\//, '').replace(/\//g, '.');
  return [path, missing].filter(Boolean).join('.') || undefined;
}

interface VerboseError {
  instancePath?: string;
  parentSchema?: {
    type?: unknown;
    properties?: object;
    patternProperties?: object;
    additionalProperties?: unknown;
  };
  data?: unknown;
}

/** Every field the failing object holds that its closed schema does not name, as dotted paths. */
function unknownFieldsOf(error: FastifyError): string[] {
  const unknown = new Set<string>();
  for (const e of (error.validation ?? []) as VerboseError[]) {
    const schema = e.parentSchema;
    const data = e.data;
    if (schema?.type !== 'object' || schema.additionalProperties !== false) continue;
    if (!data || typeof data !== 'object' || Array.isArray(data)) continue;
    const named = new Set(Object.keys(schema.properties ?? {}));
    const patterns = Object.keys(schema.patternProperties ?? {}).map((p) => new RegExp(p, 'u'));
    const prefix = e.instancePath?.replace(/^\//, '').replace(/\//g, '.');
    for (const key of Object.keys(data)) {
      if (named.has(key) || patterns.some((p) => p.test(key))) continue;
      unknown.add(prefix ? `${prefix}.${key}` : key);
    }
  }
  return [...unknown];
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      return reply.status(error.status).send(errorBody(error.code, error.message, error.details));
    }
    if (error.validation) {
      const where = error.validationContext ?? 'request';
      const unknown = unknownFieldsOf(error);
      if (unknown.length > 0) {
        const message = `${where}: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`;
        const details = { field: unknown[0], unknown, in: where };
        return reply.status(400).send(errorBody('validation_failed', message, details));
      }
      const field = fieldOf(error);
      const message = field ? `${field}: ${error.validation[0].message}` : error.message;
      return reply.status(400).send(errorBody('validation_failed', message, { field, in: where }));
    }
    if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
      return reply.status(400).send(errorBody('invalid_json', 'the request body is not valid JSON'));
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send(errorBody('payload_too_large', 'the request body is too large'));
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.status(415).send(errorBody('unsupported_media_type', 'send JSON or a form'));
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send(errorBody('validation_failed', error.message));
    }
    if (isStoreUnavailable(error)) {
      logStoreFailure(request.log, error, 'request failed');
      return reply
        .status(503)
        .header('retry-after', '1')
        .send(errorBody('store_unavailable', 'the database cannot be reached; try again shortly'));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(errorBody('internal', 'internal error'));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(errorBody('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`)),
  );
}
