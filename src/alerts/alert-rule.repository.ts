// SQL of alert rules and their history.
import type { Db } from '../db/database.types.ts';
import type { AlertEventRow, AlertRuleRow, NewAlertRuleRow, RuleState } from './alert.table.ts';

export function insertAlertRule(db: Db, row: NewAlertRuleRow): Promise<AlertRuleRow> {
  return db.insertInto('alert_rules').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findAlertRule(db: Db, id: number): Promise<AlertRuleRow | undefined> {
  return db.selectFrom('alert_rules').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listAlertRules(db: Db, options: { enabledOnly?: boolean } = {}): Promise<AlertRuleRow[]> {
  let q = db.selectFrom('alert_rules').selectAll().orderBy('id');
  if (options.enabledOnly) q = q.where('enabled', '=', 1);
  return q.execute();
}

export function updateAlertRule(
  db: Db,
  id: number,
  values: Partial<Omit<AlertRuleRow, 'id' | 'created_at'>>,
): Promise<AlertRuleRow | undefined> {
  return db.updateTable('alert_rules').set(values).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteAlertRule(db: Db, id: number): Promise<boolean> {
  await db.deleteFrom('alert_events').where('rule_id', '=', id).execute();
  const result = await db.deleteFrom('alert_rules').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Records an evaluation that changed nothing. */
export async function markRuleEvaluated(
  db: Db,
  id: number,
  now: number,
  value: number | null,
): Promise<void> {
  await db
    .updateTable('alert_rules')
    .set({ last_evaluated_at: now, last_value: value })
    .where('id', '=', id)
    .execute();
}

/**
 * Moves a rule from `from` to `to`, only if it is still in `from` (so a transition is recorded
 * once even if two evaluations overlap); true when it moved.
 */
export async function moveRuleState(
  db: Db,
  id: number,
  from: RuleState,
  to: RuleState,
  now: number,
  value: number | null,
): Promise<boolean> {
  const result = await db
    .updateTable('alert_rules')
    .set({ state: to, state_since: now, last_transition_at: now, last_evaluated_at: now, last_value: value })
    .where('id', '=', id)
    .where('state', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function insertAlertEvent(db: Db, row: Omit<AlertEventRow, 'id'>): Promise<AlertEventRow> {
  return db.insertInto('alert_events').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function setEventNotified(db: Db, id: number, notified: string): Promise<void> {
  await db.updateTable('alert_events').set({ notified }).where('id', '=', id).execute();
}

/** Newest first, optionally one rule's, before an id (paging). */
export function listAlertEvents(
  db: Db,
  options: { ruleId?: number; beforeId?: number; limit: number },
): Promise<(AlertEventRow & { rule_name: string; rule_kind: string })[]> {
  let q = db
    .selectFrom('alert_events as e')
    .innerJoin('alert_rules as r', 'r.id', 'e.rule_id')
    .selectAll('e')
    .select(['r.name as rule_name', 'r.kind as rule_kind'])
    .orderBy('e.id', 'desc')
    .limit(options.limit);
  if (options.ruleId !== undefined) q = q.where('e.rule_id', '=', options.ruleId);
  if (options.beforeId !== undefined) q = q.where('e.id', '<', options.beforeId);
  return q.execute();
}
