// SQL of discrepancy checks. Our conversions are read by id range (ids begin with their time, and
// conversions carry no per-advertiser index) and by click id (indexed).
import type { Db } from '../db/database.types.ts';
import { firstIdAt } from '../shared/ids.ts';
import type { OurConversion } from './compare.ts';
import { FINDING_INSERT_CHUNK } from './limits.ts';
import type {
  FindingKind,
  NewReconciliationFindingRow,
  NewReconciliationRow,
  ReconciliationPresetRow,
} from './reconciliation.table.ts';

const CONVERSION_PREFIX = 'cv_';
const LOOKUP_CHUNK = 500;

function toOurs(r: {
  id: string;
  click_id: string;
  txn_id: string | null;
  offer_id: number;
  status: string;
  revenue: number;
  currency: string;
  created_at: number | string;
}): OurConversion {
  return {
    id: r.id,
    clickId: r.click_id,
    txnId: r.txn_id,
    offerId: Number(r.offer_id),
    status: r.status,
    revenue: Number(r.revenue),
    currency: r.currency,
    createdAt: Number(r.created_at),
  };
}

const OUR_COLUMNS = [
  'id',
  'click_id',
  'txn_id',
  'offer_id',
  'status',
  'revenue',
  'currency',
  'created_at',
] as const;

export async function listConversionsInWindow(db: Db, advertiserId: number, from: number, to: number) {
  const rows = await db
    .selectFrom('conversions')
    .select(OUR_COLUMNS)
    .where('id', '>=', CONVERSION_PREFIX + firstIdAt(from))
    .where('id', '<', CONVERSION_PREFIX + firstIdAt(to))
    .where('advertiser_id', '=', advertiserId)
    .execute();
  return rows.map(toOurs);
}

export async function listConversionsOfClicks(db: Db, advertiserId: number, clickIds: string[]) {
  const out: OurConversion[] = [];
  for (let i = 0; i < clickIds.length; i += LOOKUP_CHUNK) {
    const rows = await db
      .selectFrom('conversions')
      .select(OUR_COLUMNS)
      .where('click_id', 'in', clickIds.slice(i, i + LOOKUP_CHUNK))
      .where('advertiser_id', '=', advertiserId)
      .execute();
    out.push(...rows.map(toOurs));
  }
  return out;
}

/** Offer of each of these clicks that belongs to the advertiser. */
export async function findClickOffers(db: Db, advertiserId: number, clickIds: string[]) {
  const out = new Map<string, number>();
  for (let i = 0; i < clickIds.length; i += LOOKUP_CHUNK) {
    const rows = await db
      .selectFrom('clicks')
      .select(['id', 'offer_id'])
      .where('id', 'in', clickIds.slice(i, i + LOOKUP_CHUNK))
      .where('advertiser_id', '=', advertiserId)
      .execute();
    for (const r of rows) out.set(r.id, Number(r.offer_id));
  }
  return out;
}

export function findAdvertiserForCheck(db: Db, advertiserId: number) {
  return db
    .selectFrom('advertisers')
    .select(['id', 'postback_token', 'status_map'])
    .where('id', '=', advertiserId)
    .executeTakeFirst();
}

export async function insertReconciliation(
  db: Db,
  row: NewReconciliationRow,
  findings: Omit<NewReconciliationFindingRow, 'reconciliation_id'>[],
): Promise<void> {
  await db.insertInto('reconciliations').values(row).execute();
  for (let i = 0; i < findings.length; i += FINDING_INSERT_CHUNK) {
    const chunk = findings
      .slice(i, i + FINDING_INSERT_CHUNK)
      .map((f) => ({ ...f, reconciliation_id: row.id }));
    await db.insertInto('reconciliation_findings').values(chunk).execute();
  }
}

export function findReconciliation(db: Db, id: string) {
  return db.selectFrom('reconciliations').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listReconciliations(db: Db, opts: { beforeId?: string; limit: number }) {
  let q = db
    .selectFrom('reconciliations')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(opts.limit + 1);
  if (opts.beforeId) q = q.where('id', '<', opts.beforeId);
  return q.execute();
}

export function listFindings(
  db: Db,
  reconciliationId: string,
  opts: { afterId?: number; limit: number; kind?: FindingKind; ids?: number[]; unresolved?: boolean },
) {
  let q = db
    .selectFrom('reconciliation_findings')
    .selectAll()
    .where('reconciliation_id', '=', reconciliationId)
    .orderBy('id')
    .limit(opts.limit + 1);
  if (opts.afterId !== undefined) q = q.where('id', '>', opts.afterId);
  if (opts.kind) q = q.where('kind', '=', opts.kind);
  if (opts.ids) q = q.where('id', 'in', opts.ids.length > 0 ? opts.ids : [-1]);
  if (opts.unresolved) q = q.where('resolved_at', 'is', null);
  return q.execute();
}

export async function markFinding(
  db: Db,
  id: number,
  resolution: { resolution: string; code: string; conversionId?: string; at: number },
): Promise<void> {
  await db
    .updateTable('reconciliation_findings')
    .set({
      resolution: resolution.resolution,
      resolution_code: resolution.code,
      resolved_at: resolution.at,
      ...(resolution.conversionId ? { conversion_id: resolution.conversionId } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export function listPresets(db: Db, advertiserId: number): Promise<ReconciliationPresetRow[]> {
  return db
    .selectFrom('reconciliation_presets')
    .selectAll()
    .where('advertiser_id', '=', advertiserId)
    .orderBy('name')
    .execute();
}

/** Saves (or replaces) the advertiser's preset of that name. */
export async function savePreset(
  db: Db,
  p: {
    advertiserId: number;
    name: string;
    format: string;
    mapping: string;
    timeZone: string;
    currency: string;
  },
  now: number,
): Promise<ReconciliationPresetRow> {
  const values = {
    format: p.format,
    mapping: p.mapping,
    time_zone: p.timeZone,
    currency: p.currency,
    updated_at: now,
  };
  return db
    .insertInto('reconciliation_presets')
    .values({ advertiser_id: p.advertiserId, name: p.name, created_at: now, ...values })
    .onConflict((oc) => oc.columns(['advertiser_id', 'name']).doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function deletePresetById(db: Db, id: number) {
  return db.deleteFrom('reconciliation_presets').where('id', '=', id).executeTakeFirstOrThrow();
}
