// /api/v1/keys: admin-only management of API keys. The secret is in the create response only.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { findApiKeyById, listApiKeys, revokeApiKey } from '../../auth/api-key.repository.ts';
import { createApiKey } from '../../auth/api-key.service.ts';
import type { ApiKeyRow } from '../../auth/api-key.table.ts';
import { API_KEYS_CHANGED } from '../../auth/authenticate.ts';
import { requireRole } from '../../auth/principal.ts';
import type { AppContext } from '../../server/app-context.ts';
import { Id, IdParams, Millis, Nullable, StringEnum } from '../../shared/api-schemas.ts';
import { parseIdCursor } from '../../shared/cursor.ts';
import { notFound } from '../../shared/errors.ts';
import { DEFAULT_PAGE_SIZE, PageOf, PageQuery, toPage } from '../../shared/pagination.ts';

const ROLES = ['admin', 'advertiser', 'publisher'] as const;

const ApiKey = Type.Object({
  id: Type.Integer(),
  role: StringEnum(ROLES),
  advertiserId: Nullable(Type.Integer()),
  publisherId: Nullable(Type.Integer()),
  label: Nullable(Type.String()),
  prefix: Type.String({ description: 'first characters of the key, to tell keys apart' }),
  createdAt: Millis,
  revokedAt: Nullable(Millis),
});
const CreatedApiKey = Type.Composite([
  ApiKey,
  Type.Object({ key: Type.String({ description: 'the secret; shown this once only' }) }),
]);
const CreateApiKeyBody = Type.Object({
  role: StringEnum(ROLES),
  advertiserId: Type.Optional(Id()),
  publisherId: Type.Optional(Id()),
  label: Type.Optional(Type.String({ maxLength: 200 })),
});

export function toApiKeyView(row: ApiKeyRow) {
  return {
    id: row.id,
    role: row.role,
    advertiserId: row.advertiser_id,
    publisherId: row.publisher_id,
    label: row.label,
    prefix: row.key_prefix,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

export function registerKeyRoutes(api: FastifyInstance, ctx: AppContext): void {
  const tags = ['keys'];
  api.post<{ Body: Static<typeof CreateApiKeyBody> }>(
    '/keys',
    { schema: { tags, body: CreateApiKeyBody, response: { 201: CreatedApiKey } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      const created = await createApiKey(ctx.store.db, request.body, ctx.clock.now());
      ctx.events.emit(API_KEYS_CHANGED);
      return reply.status(201).send({ ...toApiKeyView(created.row), key: created.key });
    },
  );

  api.get<{ Querystring: PageQuery }>(
    '/keys',
    { schema: { tags, querystring: PageQuery, response: { 200: PageOf(ApiKey) } } },
    async (request) => {
      requireRole(request, 'admin');
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
      const rows = await listApiKeys(ctx.store.db, { afterId: parseIdCursor(request.query.cursor), limit });
      return toPage(rows, limit, (r) => r.id, toApiKeyView);
    },
  );

  api.delete<{ Params: IdParams }>(
    '/keys/:id',
    { schema: { tags, params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      const { id } = request.params;
      // Revoking twice is fine; only an unknown id is an error.
      const revoked = await revokeApiKey(ctx.store.db, id, ctx.clock.now());
      if (!revoked && !(await findApiKeyById(ctx.store.db, id))) throw notFound('key');
      ctx.events.emit(API_KEYS_CHANGED);
      return reply.status(204).send();
    },
  );
}
