// Rows → API shapes.
import type { ColumnMapping } from './presets.ts';
import type {
  ReconciliationFindingRow,
  ReconciliationPresetRow,
  ReconciliationRow,
} from './reconciliation.table.ts';

const num = (v: number | string | null) => (v === null ? null : Number(v));

export function toReconciliationView(r: ReconciliationRow) {
  return {
    id: r.id,
    advertiserId: Number(r.advertiser_id),
    format: r.format,
    mapping: JSON.parse(r.mapping) as ColumnMapping,
    timeZone: r.time_zone,
    currency: r.currency,
    from: r.from_day,
    to: r.to_day,
    tolerance: Number(r.tolerance),
    rowsRead: Number(r.rows_read),
    counts: JSON.parse(r.counts) as Record<string, number>,
    days: JSON.parse(r.days),
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
  };
}

export function toFindingView(f: ReconciliationFindingRow) {
  return {
    id: Number(f.id),
    kind: f.kind,
    line: num(f.line),
    day: f.day,
    offerId: num(f.offer_id),
    clickId: f.click_id,
    txnId: f.txn_id,
    conversionId: f.conversion_id,
    theirStatus: f.their_status,
    ourStatus: f.our_status,
    theirAmount: num(f.their_amount),
    ourAmount: num(f.our_amount),
    theirDay: f.their_day,
    ourDay: f.our_day,
    resolution: f.resolution,
    resolutionCode: f.resolution_code,
    resolvedAt: num(f.resolved_at),
  };
}

export function toPresetView(p: ReconciliationPresetRow) {
  return {
    id: Number(p.id),
    advertiserId: Number(p.advertiser_id),
    name: p.name,
    format: p.format,
    mapping: JSON.parse(p.mapping) as ColumnMapping,
    timeZone: p.time_zone,
    currency: p.currency,
    updatedAt: Number(p.updated_at),
  };
}
