// /api/v1/inbound-rules: the operator's ordered rules that hold or reject new conversions. Admin only.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../../auth/principal.ts';
import {
  createInboundRule,
  deleteInboundRule,
  listInboundRules,
  updateInboundRule,
} from '../../rules/rule.service.ts';
import { RULE_ACTIONS, RULE_KINDS, RULE_SCOPES } from '../../rules/rule.table.ts';
import type { AppContext } from '../../server/app-context.ts';
import { IdParams, Millis, Nullable, StringEnum } from '../../shared/api-schemas.ts';

const Bound = Type.Optional(Type.Number({ minimum: -1e12, maximum: 1e12 }));
const Values = Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 200 }));
const Params = Type.Object(
  {
    min: Bound,
    max: Bound,
    minRatio: Bound,
    maxRatio: Bound,
    in: Values,
    notIn: Values,
    sub: Type.Optional(Type.String({ maxLength: 10 })),
    minSeconds: Bound,
    maxSeconds: Bound,
  },
  {
    description:
      'payout_range / sale_amount: min, max · payout_ratio: minRatio, maxRatio (amount sent ÷ expected) · goal: in / notIn · sub_id: sub, in / notIn · time_to_conversion: minSeconds, maxSeconds · country_mismatch: none',
  },
);
const RuleFields = {
  position: Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'rules run in ascending position' }),
  scope: StringEnum(RULE_SCOPES),
  scopeId: Nullable(Type.Integer({ minimum: 1 })),
  kind: StringEnum(RULE_KINDS),
  params: Params,
  action: StringEnum(RULE_ACTIONS, { description: 'hold = pending for manual review' }),
  reasonCode: Type.String({
    pattern: '^[a-z][a-z0-9_]{0,63}$',
    description: 'recorded on the conversion and in the log',
  }),
  enabled: Type.Boolean(),
};
const RuleBody = Type.Object({
  ...RuleFields,
  position: Type.Optional(RuleFields.position),
  scopeId: Type.Optional(RuleFields.scopeId),
  enabled: Type.Optional(RuleFields.enabled),
});
type RuleBody = Static<typeof RuleBody>;
const RulePatch = Type.Partial(Type.Object(RuleFields), { minProperties: 1 });
type RulePatch = Static<typeof RulePatch>;
const Rule = Type.Object({ id: Type.Integer(), ...RuleFields, createdAt: Millis, updatedAt: Millis });

export function registerInboundRuleRoutes(api: FastifyInstance, ctx: AppContext): void {
  const tags = ['inbound rules'];

  api.get(
    '/inbound-rules',
    { schema: { tags, response: { 200: Type.Object({ data: Type.Array(Rule) }) } } },
    async (request) => {
      requireRole(request, 'admin');
      return { data: await listInboundRules(ctx) };
    },
  );

  api.post<{ Body: RuleBody }>(
    '/inbound-rules',
    { schema: { tags, body: RuleBody, response: { 201: Rule } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      const b = request.body;
      const rule = await createInboundRule(ctx, {
        ...b,
        position: b.position ?? 100,
        scopeId: b.scopeId ?? null,
        enabled: b.enabled ?? true,
      });
      return reply.status(201).send(rule);
    },
  );

  api.patch<{ Params: IdParams; Body: RulePatch }>(
    '/inbound-rules/:id',
    { schema: { tags, params: IdParams, body: RulePatch, response: { 200: Rule } } },
    async (request) => {
      requireRole(request, 'admin');
      return updateInboundRule(ctx, request.params.id, request.body);
    },
  );

  api.delete<{ Params: IdParams }>(
    '/inbound-rules/:id',
    { schema: { tags, params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      await deleteInboundRule(ctx, request.params.id);
      return reply.status(204).send();
    },
  );
}
