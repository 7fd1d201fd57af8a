// Inbound rules: kept in order and validated; rule-evaluation.service.ts evaluates them.
import type { AppContext } from '../server/app-context.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { SUB_KEYS } from '../tracking/clicks/click.table.ts';
import { deleteRule, findRule, insertRule, listRules, updateRule } from './rule.repository.ts';
import type { InboundRuleRow, RuleAction, RuleKind, RuleParams, RuleScope } from './rule.table.ts';

export interface RuleInput {
  position: number;
  scope: RuleScope;
  scopeId: number | null;
  kind: RuleKind;
  params: RuleParams;
  action: RuleAction;
  reasonCode: string;
  enabled: boolean;
}

export interface RuleView extends RuleInput {
  id: number;
  createdAt: number;
  updatedAt: number;
}

export function toRuleView(row: InboundRuleRow): RuleView {
  return {
    id: Number(row.id),
    position: row.position,
    scope: row.scope,
    scopeId: row.scope_id,
    kind: row.kind,
    params: JSON.parse(row.params) as RuleParams,
    action: row.action,
    reasonCode: row.reason_code,
    enabled: row.enabled === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function checkInput(input: RuleInput): void {
  if ((input.scope === 'all') !== (input.scopeId === null)) {
    throw new AppError(
      'validation_failed',
      'scopeId: required for an advertiser, offer or publisher scope, null for all',
    );
  }
  if (input.kind === 'sub_id' && !(SUB_KEYS as readonly string[]).includes(input.params.sub ?? '')) {
    throw new AppError('validation_failed', `params.sub: one of ${SUB_KEYS.join(', ')}`);
  }
}

export async function listInboundRules(ctx: AppContext): Promise<RuleView[]> {
  return (await listRules(ctx.store.db)).map(toRuleView);
}

export async function createInboundRule(ctx: AppContext, input: RuleInput): Promise<RuleView> {
  checkInput(input);
  const now = ctx.clock.now();
  const row = await insertRule(ctx.store.db, { ...toColumns(input), created_at: now, updated_at: now });
  ctx.events.emit('catalog.changed');
  return toRuleView(row);
}

export async function updateInboundRule(
  ctx: AppContext,
  id: number,
  patch: Partial<RuleInput>,
): Promise<RuleView> {
  const current = await findRule(ctx.store.db, id);
  if (!current) throw notFound('rule');
  const next = { ...toRuleView(current), ...patch };
  checkInput(next);
  const row = await updateRule(ctx.store.db, id, { ...toColumns(next), updated_at: ctx.clock.now() });
  if (!row) throw notFound('rule');
  ctx.events.emit('catalog.changed');
  return toRuleView(row);
}

export async function deleteInboundRule(ctx: AppContext, id: number): Promise<void> {
  if (!(await deleteRule(ctx.store.db, id))) throw notFound('rule');
  ctx.events.emit('catalog.changed');
}

function toColumns(input: RuleInput) {
  return {
    position: input.position,
    scope: input.scope,
    scope_id: input.scope === 'all' ? null : input.scopeId,
    kind: input.kind,
    params: JSON.stringify(input.params),
    action: input.action,
    reason_code: input.reasonCode,
    enabled: input.enabled ? 1 : 0,
  };
}
