// /api/v1/smartlinks: admin only (rules name the network's offers and their weights). Plus
// POST /smartlinks/:id/test, "which offer would this visitor get", on the click path's own resolver.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../../auth/principal.ts';
import type { AppContext } from '../../server/app-context.ts';
import { Id, IdParams, Millis, Nullable } from '../../shared/api-schemas.ts';
import { parseIdCursor } from '../../shared/cursor.ts';
import { notFound } from '../../shared/errors.ts';
import { DEFAULT_PAGE_SIZE, PAGE_FIELDS, PageOf, toPage } from '../../shared/pagination.ts';
import { MAX_OFFERS_PER_RULE, MAX_RULES } from '../../smartlinks/limits.ts';
import { listSmartLinkRows } from '../../smartlinks/smartlink.repository.ts';
import {
  createSmartLink,
  deleteSmartLink,
  findSmartLinkRow,
  toSmartLinkView,
  updateSmartLink,
} from '../../smartlinks/smartlink.service.ts';
import { testSmartLink } from '../../smartlinks/smartlink-tester.ts';

const Values = (description: string, item = Type.String({ minLength: 1, maxLength: 100 })) =>
  Type.Optional(Type.Array(item, { maxItems: 300, description }));
const Match = Type.Object(
  {
    countries: Values('ISO 3166-1 alpha-2 codes', Type.String({ pattern: '^[A-Za-z]{2}$' })),
    devices: Values('desktop, mobile, tablet, smarttv, console, wearable, embedded'),
    os: Values('operating system names as detected: iOS, Android, Windows, Mac OS, Linux…'),
    browsers: Values('browser names as detected: Chrome, Mobile Safari, Firefox…'),
    languages: Values('primary language of Accept-Language', Type.String({ pattern: '^[A-Za-z]{2,3}$' })),
  },
  { description: 'every non-empty list must contain the visitor’s value (case-insensitive); empty = any' },
);
const RuleOffer = Type.Object({
  offerId: Id(),
  weight: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'default 1' })),
  paused: Type.Optional(Type.Boolean()),
});
const RuleInput = Type.Object({
  id: Type.Optional(
    Type.Integer({ minimum: 1, description: 'keep an existing rule’s id; omit for a new rule' }),
  ),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  match: Type.Optional(Match),
  offers: Type.Array(RuleOffer, { minItems: 1, maxItems: MAX_OFFERS_PER_RULE }),
});
const Rule = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  match: Match,
  offers: Type.Array(
    Type.Object({ offerId: Type.Integer(), weight: Type.Integer(), paused: Type.Boolean() }),
  ),
});
const SmartLink = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  fallbackUrl: Type.String(),
  rules: Type.Array(Rule),
  autoOptimize: Type.Boolean(),
  optimizeWindowHours: Type.Integer(),
  optimizedWeights: Nullable(Type.Record(Type.String(), Type.Number())),
  optimizedAt: Nullable(Millis),
  createdAt: Millis,
  updatedAt: Millis,
});
const smartLinkFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  fallbackUrl: Type.String({
    pattern: '^https?://\\S+$',
    maxLength: 4000,
    description: 'where visitors go when no rule has an offer for them; click macros allowed',
  }),
  rules: Type.Array(RuleInput, {
    maxItems: MAX_RULES,
    description: 'in evaluation order; replaces them all',
  }),
  autoOptimize: Type.Boolean({ description: 'weights follow each offer’s EPC over the window' }),
  optimizeWindowHours: Type.Integer({ minimum: 1, maximum: 24 * 90 }),
};
const CreateBody = Type.Object({
  name: smartLinkFields.name,
  fallbackUrl: smartLinkFields.fallbackUrl,
  rules: Type.Optional(smartLinkFields.rules),
  autoOptimize: Type.Optional(smartLinkFields.autoOptimize),
  optimizeWindowHours: Type.Optional(smartLinkFields.optimizeWindowHours),
});
type CreateBody = Static<typeof CreateBody>;
const UpdateBody = Type.Partial(Type.Object(smartLinkFields));
type UpdateBody = Static<typeof UpdateBody>;
const TestBody = Type.Object({
  country: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$' })),
  device: Type.Optional(Type.String({ maxLength: 100 })),
  os: Type.Optional(Type.String({ maxLength: 100 })),
  browser: Type.Optional(Type.String({ maxLength: 100 })),
  language: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2,3}$' })),
  publisherId: Type.Optional(Id()),
});
type TestBody = Static<typeof TestBody>;
const PageQuery = Type.Object({ ...PAGE_FIELDS });
const TestResult = Type.Object({
  result: Type.Union([Type.Literal('offer'), Type.Literal('fallback')]),
  ruleId: Nullable(Type.Integer()),
  ruleName: Nullable(Type.String()),
  offerId: Nullable(Type.Integer()),
  fallbackUrl: Nullable(Type.String()),
  candidates: Type.Array(Type.Object({ offerId: Type.Integer(), share: Type.Number() })),
});

export function registerSmartLinkRoutes(api: FastifyInstance, ctx: AppContext): void {
  const tags = ['smartlinks'];
  const db = ctx.store.db;

  api.post<{ Body: CreateBody }>(
    '/smartlinks',
    { schema: { tags, body: CreateBody, response: { 201: SmartLink } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      return reply.status(201).send(toSmartLinkView(await createSmartLink(ctx, request.body)));
    },
  );

  api.get<{ Querystring: Static<typeof PageQuery> }>(
    '/smartlinks',
    { schema: { tags, querystring: PageQuery, response: { 200: PageOf(SmartLink) } } },
    async (request) => {
      requireRole(request, 'admin');
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
      const rows = await listSmartLinkRows(db, parseIdCursor(request.query.cursor), limit);
      return toPage(rows, limit, (r) => Number(r.id), toSmartLinkView);
    },
  );

  api.get<{ Params: IdParams }>(
    '/smartlinks/:id',
    { schema: { tags, params: IdParams, response: { 200: SmartLink } } },
    async (request) => {
      requireRole(request, 'admin');
      const row = await findSmartLinkRow(db, request.params.id);
      if (!row) throw notFound('smartlink');
      return toSmartLinkView(row);
    },
  );

  api.patch<{ Params: IdParams; Body: UpdateBody }>(
    '/smartlinks/:id',
    { schema: { tags, params: IdParams, body: UpdateBody, response: { 200: SmartLink } } },
    async (request) => {
      requireRole(request, 'admin');
      return toSmartLinkView(await updateSmartLink(ctx, request.params.id, request.body));
    },
  );

  api.delete<{ Params: IdParams }>(
    '/smartlinks/:id',
    { schema: { tags, params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      await deleteSmartLink(ctx, request.params.id);
      return reply.status(204).send();
    },
  );

  api.post<{ Params: IdParams; Body: TestBody }>(
    '/smartlinks/:id/test',
    { schema: { tags, params: IdParams, body: TestBody, response: { 200: TestResult } } },
    async (request) => {
      requireRole(request, 'admin');
      const { publisherId, ...visitor } = request.body;
      return testSmartLink(ctx, request.params.id, visitor, publisherId);
    },
  );
}
