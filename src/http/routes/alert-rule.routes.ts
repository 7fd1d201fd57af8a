// /api/v1/alert-rules and /api/v1/alert-events: what is watched and what fired, admin only.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { type AlertEventRow, RULE_KINDS, TARGET_TYPES } from '../../alerts/alert.table.ts';
import { deleteAlertRule, listAlertEvents, listAlertRules } from '../../alerts/alert-rule.repository.ts';
import { changeAlertRule, createAlertRule, getAlertRule } from '../../alerts/alert-rule.service.ts';
import { type AlertRule, toAlertRule } from '../../alerts/alert-rule.view.ts';
import { requireRole } from '../../auth/principal.ts';
import type { AppContext } from '../../server/app-context.ts';
import { Id, IdParams, Millis, Nullable, StringEnum } from '../../shared/api-schemas.ts';
import { notFound } from '../../shared/errors.ts';

const Threshold = (description: string) =>
  Type.Optional(Type.Number({ minimum: 0, maximum: 1e9, description }));
const Params = Type.Object({
  fraction: Threshold('drops: fire below this fraction of last week (0 = none at all; default 0)'),
  factor: Threshold('spikes: fire above factor × last week'),
  minBaseline: Threshold(
    'drops and spikes: least count last week for the target to count as having traffic (default 1)',
  ),
  min: Threshold('cr_band: lowest CR in percent'),
  max: Threshold('cr_band: highest CR in percent'),
  percent: Threshold('rates: threshold in percent'),
  minSample: Threshold(
    'rates and cr_band: least clicks, attempts, requests or conversions judged (default 20)',
  ),
  minutes: Threshold('oldest_pending: age in minutes'),
});
const Target = Type.Object({
  type: StringEnum(TARGET_TYPES),
  id: Type.Optional(Id()),
});
const Minutes = (description: string) => Type.Integer({ minimum: 1, maximum: 60 * 24 * 31, description });
const CreateBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  kind: StringEnum(RULE_KINDS),
  target: Target,
  params: Type.Optional(Params),
  windowMinutes: Minutes(
    'the window judged, ending now; drops compare it with the same window a week earlier',
  ),
  cooldownMinutes: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 60 * 24 * 31,
      description: 'after a clear, the least time before it fires again (default 60)',
    }),
  ),
  channelIds: Type.Array(Id(), { maxItems: 20 }),
  enabled: Type.Optional(Type.Boolean()),
});
type CreateBody = Static<typeof CreateBody>;
const PatchBody = Type.Partial(Type.Omit(CreateBody, ['kind']));
type PatchBody = Static<typeof PatchBody>;
const Rule = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: StringEnum(RULE_KINDS),
  target: Type.Object({ type: StringEnum(TARGET_TYPES), id: Nullable(Type.Integer()) }),
  params: Params,
  windowMinutes: Type.Integer(),
  cooldownMinutes: Type.Integer(),
  channelIds: Type.Array(Type.Integer()),
  enabled: Type.Boolean(),
  state: StringEnum(['ok', 'firing'] as const),
  stateSince: Nullable(Millis),
  lastValue: Nullable(Type.Number()),
  lastEvaluatedAt: Nullable(Millis),
  createdAt: Millis,
  updatedAt: Millis,
});
const Event = Type.Object({
  id: Type.Integer(),
  ruleId: Type.Integer(),
  ruleName: Type.String(),
  ruleKind: Type.String(),
  transition: StringEnum(['fired', 'cleared'] as const),
  value: Nullable(Type.Number()),
  message: Type.String(),
  notified: Type.Array(
    Type.Object({
      channelId: Type.Integer(),
      ok: Type.Boolean(),
      statusCode: Type.Integer(),
      answer: Type.String(),
    }),
  ),
  createdAt: Millis,
});
const EventQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  before: Type.Optional(Id()),
});
type EventQuery = Static<typeof EventQuery>;

function ruleView(rule: AlertRule) {
  const { lastTransitionAt: _, ...view } = rule;
  return view;
}

function eventView(e: AlertEventRow & { rule_name: string; rule_kind: string }) {
  return {
    id: Number(e.id),
    ruleId: Number(e.rule_id),
    ruleName: e.rule_name,
    ruleKind: e.rule_kind,
    transition: e.transition,
    value: e.value === null ? null : Number(e.value),
    message: e.message,
    notified: JSON.parse(e.notified),
    createdAt: Number(e.created_at),
  };
}

export function registerAlertRuleRoutes(api: FastifyInstance, ctx: AppContext): void {
  const tags = ['alerts'];
  const db = ctx.store.db;

  api.post<{ Body: CreateBody }>(
    '/alert-rules',
    { schema: { tags, body: CreateBody, response: { 201: Rule } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      return reply.status(201).send(ruleView(await createAlertRule(db, request.body, ctx.clock.now())));
    },
  );

  api.get(
    '/alert-rules',
    { schema: { tags, response: { 200: Type.Object({ data: Type.Array(Rule) }) } } },
    async (request) => {
      requireRole(request, 'admin');
      return { data: (await listAlertRules(db)).map((r) => ruleView(toAlertRule(r))) };
    },
  );

  api.get<{ Params: IdParams }>(
    '/alert-rules/:id',
    { schema: { tags, params: IdParams, response: { 200: Rule } } },
    async (request) => {
      requireRole(request, 'admin');
      return ruleView(await getAlertRule(db, request.params.id));
    },
  );

  api.patch<{ Params: IdParams; Body: PatchBody }>(
    '/alert-rules/:id',
    { schema: { tags, params: IdParams, body: PatchBody, response: { 200: Rule } } },
    async (request) => {
      requireRole(request, 'admin');
      return ruleView(await changeAlertRule(db, request.params.id, request.body, ctx.clock.now()));
    },
  );

  api.delete<{ Params: IdParams }>(
    '/alert-rules/:id',
    { schema: { tags, params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      if (!(await deleteAlertRule(db, request.params.id))) throw notFound('alert rule');
      return reply.status(204).send();
    },
  );

  api.get<{ Params: IdParams; Querystring: EventQuery }>(
    '/alert-rules/:id/events',
    {
      schema: {
        tags,
        summary: "the rule's history, newest first",
        params: IdParams,
        querystring: EventQuery,
        response: { 200: Type.Object({ data: Type.Array(Event) }) },
      },
    },
    async (request) => {
      requireRole(request, 'admin');
      await getAlertRule(db, request.params.id);
      const rows = await listAlertEvents(db, {
        ruleId: request.params.id,
        beforeId: request.query.before,
        limit: request.query.limit ?? 50,
      });
      return { data: rows.map(eventView) };
    },
  );

  api.get<{ Querystring: EventQuery }>(
    '/alert-events',
    {
      schema: {
        tags,
        summary: 'every rule’s fires and clears, newest first (the alerts inbox)',
        querystring: EventQuery,
        response: { 200: Type.Object({ data: Type.Array(Event) }) },
      },
    },
    async (request) => {
      requireRole(request, 'admin');
      const rows = await listAlertEvents(db, {
        beforeId: request.query.before,
        limit: request.query.limit ?? 50,
      });
      return { data: rows.map(eventView) };
    },
  );
}
