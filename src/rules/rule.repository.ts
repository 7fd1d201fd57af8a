// Inbound rules SQL only; the caller passes the handle.
import type { Db } from '../db/database.types.ts';
import type { InboundRuleRow, InboundRuleTable } from './rule.table.ts';

type RuleFields = Omit<InboundRuleTable, 'id'>;

export function listRules(db: Db): Promise<InboundRuleRow[]> {
  return db.selectFrom('inbound_rules').selectAll().orderBy('position').orderBy('id').execute();
}

export function findRule(db: Db, id: number): Promise<InboundRuleRow | undefined> {
  return db.selectFrom('inbound_rules').selectAll().where('id', '=', id).executeTakeFirst();
}

export function insertRule(db: Db, row: RuleFields): Promise<InboundRuleRow> {
  return db.insertInto('inbound_rules').values(row).returningAll().executeTakeFirstOrThrow();
}

export function updateRule(
  db: Db,
  id: number,
  patch: Partial<RuleFields>,
): Promise<InboundRuleRow | undefined> {
  return db.updateTable('inbound_rules').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteRule(db: Db, id: number): Promise<boolean> {
  const { numDeletedRows } = await db.deleteFrom('inbound_rules').where('id', '=', id).executeTakeFirst();
  return numDeletedRows > 0n;
}
