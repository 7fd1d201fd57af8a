// Every /api/v1 body and query schema refuses the fields it does not name. One onRoute hook closes
// each object schema (additionalProperties: false unless it says otherwise) and gives routes that
// declare no body or query a schema of no fields, so no route can forget it.
import type { RouteOptions } from 'fastify';

type Schema = Record<string, unknown>;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const SUBSCHEMA_MAPS = ['properties', 'patternProperties'];
const SUBSCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf'];
const SUBSCHEMAS = ['items', 'not', 'additionalProperties'];

/** A copy of `schema` in which every object schema that does not say otherwise refuses extra fields. */
export function closeObjectSchemas(schema: unknown): unknown {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const out: Schema = { ...(schema as Schema) };
  for (const key of SUBSCHEMA_MAPS) {
    const map = out[key] as Schema | undefined;
    if (map) out[key] = Object.fromEntries(Object.entries(map).map(([k, v]) => [k, closeObjectSchemas(v)]));
  }
  for (const key of SUBSCHEMA_LISTS) {
    const list = out[key];
    if (Array.isArray(list)) out[key] = list.map(closeObjectSchemas);
  }
  for (const key of SUBSCHEMAS) {
    if (out[key] !== undefined) out[key] = closeObjectSchemas(out[key]);
  }
  if (out.type === 'object' && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

const noFields = (nullable: boolean): Schema => ({
  type: 'object',
  properties: {},
  additionalProperties: false,
  ...(nullable && { nullable: true }),
});

export function closeRouteSchemas(route: RouteOptions): void {
  const schema = { ...(route.schema ?? {}) } as Schema;
  const methods = [route.method].flat();
  if (schema.body !== undefined) schema.body = closeObjectSchemas(schema.body);
  // A bare POST has no body at all, which the framework validates as null.
  else if (methods.some((m) => BODY_METHODS.has(m))) schema.body = noFields(true);
  schema.querystring =
    schema.querystring === undefined ? noFields(false) : closeObjectSchemas(schema.querystring);
  route.schema = schema;
}

interface OpenApiDocument {
  paths?: Record<
    string,
    Record<string, { requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> } }>
  >;
}

/**
 * The document generator marks every body required; an optional body (nullable) is not, and a body
 * of no fields (a bare action POST) is left out of the document altogether.
 */
export function documentOptionalBodies<T>(document: T): T {
  for (const operations of Object.values((document as OpenApiDocument).paths ?? {})) {
    for (const operation of Object.values(operations)) {
      const body = operation.requestBody;
      const schema = body?.content?.['application/json']?.schema;
      if (!body || schema?.nullable !== true) continue;
      if (Object.keys((schema.properties as object | undefined) ?? {}).length === 0)
        delete operation.requestBody;
      else body.required = false;
    }
  }
  return document;
}
