// A discrepancy check: read the export (streaming), gather our conversions for its range, compare,
// and store the report in one transaction once the whole file is read, so a bad file leaves nothing.
import type { Readable } from 'node:stream';
import { createConversionImporter } from '../conversions/inbound/inbound-import.service.ts';
import { mapStatus, parseStatusMap } from '../conversions/inbound/status-crosswalk.ts';
import { changeConversionStatus } from '../conversions/lifecycle/conversion-status.service.ts';
import type { AppContext } from '../server/app-context.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { compareExport, type OurConversion } from './compare.ts';
import { readExport } from './export-reader.ts';
import { MAX_ACTIONS_PER_REQUEST } from './limits.ts';
import { type ColumnMapping, type ExportFormat, mappingProblems, PRESETS } from './presets.ts';
import {
  deletePresetById,
  findAdvertiserForCheck,
  findClickOffers,
  findReconciliation,
  insertReconciliation,
  listConversionsInWindow,
  listConversionsOfClicks,
  listFindings,
  listPresets,
  listReconciliations,
  markFinding,
  savePreset,
} from './reconciliation.repository.ts';
import type { ReconciliationFindingRow, ReconciliationRow } from './reconciliation.table.ts';
import { isDay, isTimeZone, nextDay, zone } from './time-zone.ts';

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 93;
const IMPORT_CONCURRENCY = 64;

export interface CheckInput {
  advertiserId: number;
  format: ExportFormat;
  /** Overrides the format's preset columns. */
  mapping?: ColumnMapping;
  timeZone: string;
  currency: string;
  fromDay: string;
  toDay: string;
  tolerance?: number;
  /** Save the mapping as this advertiser preset. */
  presetName?: string;
}

/** The mapping a check uses: the preset's columns, overridden by the ones given. */
export function effectiveMapping(format: ExportFormat, mapping: ColumnMapping | undefined): ColumnMapping {
  return { ...(format === 'custom' ? {} : PRESETS[format]), ...mapping };
}

function validateInput(input: CheckInput): ColumnMapping {
  const bad = (message: string) => new AppError('validation_failed', message);
  if (!isTimeZone(input.timeZone)) throw bad(`timeZone: unknown time zone "${input.timeZone}"`);
  if (!isDay(input.fromDay) || !isDay(input.toDay)) throw bad('from and to are days: YYYY-MM-DD');
  if (input.fromDay > input.toDay) throw bad('from is after to');
  const span = (Date.parse(input.toDay) - Date.parse(input.fromDay)) / DAY_MS;
  if (span >= MAX_RANGE_DAYS) throw bad(`a check covers at most ${MAX_RANGE_DAYS} days`);
  const mapping = effectiveMapping(input.format, input.mapping);
  const problems = mappingProblems(mapping, null);
  if (problems.length > 0) throw bad(`mapping: ${problems.join('; ')}`);
  return mapping;
}

export async function runCheck(
  ctx: AppContext,
  input: CheckInput,
  file: Readable,
  actor: string | null,
): Promise<ReconciliationRow> {
  const mapping = validateInput(input);
  const db = ctx.store.db;
  const advertiser = await findAdvertiserForCheck(db, input.advertiserId);
  if (!advertiser) throw notFound('advertiser');
  const exportZone = zone(input.timeZone);
  const { rows } = await readExport(file, mapping, exportZone);

  const start = exportZone.startOf(input.fromDay);
  const end = exportZone.startOf(nextDay(input.toDay));
  const ours: OurConversion[] = await listConversionsInWindow(
    db,
    advertiser.id,
    start - DAY_MS,
    end + DAY_MS,
  );
  // Rows that name a click we hold no conversion for in the window: its conversion may be older or
  // newer (an imported one is dated when it was imported), or the click may exist without one.
  const known = new Set(ours.map((c) => c.clickId));
  const stray = [...new Set(rows.flatMap((r) => (r.clickId && !known.has(r.clickId) ? [r.clickId] : [])))];
  const seen = new Set(ours.map((c) => c.id));
  for (const c of await listConversionsOfClicks(db, advertiser.id, stray)) if (!seen.has(c.id)) ours.push(c);
  const clickOffers = await findClickOffers(db, advertiser.id, stray);

  const statusMap = parseStatusMap(advertiser.status_map);
  const result = compareExport({
    theirs: rows,
    ours,
    fromDay: input.fromDay,
    toDay: input.toDay,
    zone: exportZone,
    currency: input.currency.toUpperCase(),
    tolerance: input.tolerance ?? 0.01,
    mapStatus: (raw) => mapStatus(raw, statusMap),
    offerOfClick: (clickId) => clickOffers.get(clickId),
  });
  const now = ctx.clock.now();
  const row: ReconciliationRow = {
    id: newId(now, 'rc_'),
    advertiser_id: advertiser.id,
    format: input.format,
    mapping: JSON.stringify(mapping),
    time_zone: input.timeZone,
    currency: input.currency.toUpperCase(),
    from_day: input.fromDay,
    to_day: input.toDay,
    tolerance: input.tolerance ?? 0.01,
    rows_read: rows.length,
    counts: JSON.stringify(result.counts),
    days: JSON.stringify(result.days),
    created_by: actor,
    created_at: now,
  };
  await db.transaction().execute(async (trx) => {
    await insertReconciliation(trx, row, result.findings);
    if (input.presetName) {
      await savePreset(
        trx,
        {
          advertiserId: advertiser.id,
          name: input.presetName,
          format: input.format,
          mapping: row.mapping,
          timeZone: input.timeZone,
          currency: row.currency,
        },
        now,
      );
    }
  });
  return row;
}

async function findingsToAct(
  ctx: AppContext,
  id: string,
  kind: 'missing_ours' | 'status_mismatch',
  findingIds: number[] | undefined,
): Promise<{ check: ReconciliationRow; findings: ReconciliationFindingRow[] }> {
  const check = await findReconciliation(ctx.store.db, id);
  if (!check) throw notFound('reconciliation');
  if (findingIds && findingIds.length > MAX_ACTIONS_PER_REQUEST)
    throw new AppError('validation_failed', `at most ${MAX_ACTIONS_PER_REQUEST} findings per request`);
  const findings = await listFindings(ctx.store.db, id, {
    kind,
    ids: findingIds,
    unresolved: true,
    limit: MAX_ACTIONS_PER_REQUEST,
  });
  return { check, findings: findings.slice(0, MAX_ACTIONS_PER_REQUEST) };
}

export interface ActionOutcome {
  findingId: number;
  resolution: 'created' | 'accepted' | 'failed';
  code: string;
  conversionId: string | null;
}

/** Records the conversions only the network has, through the inbound rules; each fires postbacks as usual. */
export async function createMissingConversions(
  ctx: AppContext,
  id: string,
  findingIds: number[] | undefined,
): Promise<ActionOutcome[]> {
  const { check, findings } = await findingsToAct(ctx, id, 'missing_ours', findingIds);
  const advertiser = await findAdvertiserForCheck(ctx.store.db, check.advertiser_id);
  if (!advertiser) throw notFound('advertiser');
  const importer = createConversionImporter(ctx, `/api/v1/reconciliations/${check.id}`);
  const importOne = async (f: ReconciliationFindingRow): Promise<ActionOutcome> => {
    const result = f.click_id
      ? await importer.importConversion({
          advertiserToken: advertiser.postback_token,
          clickId: f.click_id,
          txnId: f.txn_id,
          amount: f.their_amount === null ? null : Number(f.their_amount),
          status: f.their_status,
          currency: check.currency,
        })
      : { code: 'missing_click_id' as const, conversionId: undefined };
    const outcome: ActionOutcome = {
      findingId: f.id,
      resolution: result.code === 'conversion_created' ? 'created' : 'failed',
      code: result.code,
      conversionId: result.conversionId ?? null,
    };
    await markFinding(ctx.store.db, f.id, {
      resolution: outcome.resolution,
      code: outcome.code,
      conversionId: outcome.conversionId ?? undefined,
      at: ctx.clock.now(),
    });
    return outcome;
  };
  // Sent together, so the inbound group commit writes them in batches as it does postbacks.
  const outcomes: ActionOutcome[] = [];
  for (let i = 0; i < findings.length; i += IMPORT_CONCURRENCY) {
    outcomes.push(...(await Promise.all(findings.slice(i, i + IMPORT_CONCURRENCY).map(importOne))));
  }
  return outcomes;
}

/** Moves our conversions to the status the network reports (a manual change in their history). */
export async function acceptTheirStatuses(
  ctx: AppContext,
  id: string,
  findingIds: number[] | undefined,
  actor: string | undefined,
): Promise<ActionOutcome[]> {
  const { check, findings } = await findingsToAct(ctx, id, 'status_mismatch', findingIds);
  const advertiser = await findAdvertiserForCheck(ctx.store.db, check.advertiser_id);
  const statusMap = parseStatusMap(advertiser?.status_map);
  const outcomes: ActionOutcome[] = [];
  for (const f of findings) {
    const status = f.their_status === null ? undefined : mapStatus(f.their_status, statusMap);
    let outcome: ActionOutcome;
    if (!status || !f.conversion_id) {
      outcome = {
        findingId: f.id,
        resolution: 'failed',
        code: 'invalid_status',
        conversionId: f.conversion_id,
      };
    } else {
      try {
        await changeConversionStatus(ctx, {
          conversionId: f.conversion_id,
          status,
          reason: `reconciliation ${check.id}`,
          actor,
          override: true,
        });
        outcome = { findingId: f.id, resolution: 'accepted', code: status, conversionId: f.conversion_id };
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        outcome = { findingId: f.id, resolution: 'failed', code: error.code, conversionId: f.conversion_id };
      }
    }
    await markFinding(ctx.store.db, f.id, {
      resolution: outcome.resolution,
      code: outcome.code,
      at: ctx.clock.now(),
    });
    outcomes.push(outcome);
  }
  return outcomes;
}

export async function getCheck(ctx: AppContext, id: string): Promise<ReconciliationRow> {
  const row = await findReconciliation(ctx.store.db, id);
  if (!row) throw notFound('reconciliation');
  return row;
}

export const listChecks = (ctx: AppContext, opts: { beforeId?: string; limit: number }) =>
  listReconciliations(ctx.store.db, opts);

export async function listCheckFindings(
  ctx: AppContext,
  id: string,
  opts: { afterId?: number; limit: number; kind?: ReconciliationFindingRow['kind'] },
) {
  await getCheck(ctx, id);
  return listFindings(ctx.store.db, id, opts);
}

export const listCheckPresets = (ctx: AppContext, advertiserId: number) =>
  listPresets(ctx.store.db, advertiserId);

export async function saveCheckPreset(
  ctx: AppContext,
  p: {
    advertiserId: number;
    name: string;
    format: ExportFormat;
    mapping: ColumnMapping;
    timeZone: string;
    currency: string;
  },
) {
  if (!isTimeZone(p.timeZone))
    throw new AppError('validation_failed', `timeZone: unknown time zone "${p.timeZone}"`);
  const mapping = effectiveMapping(p.format, p.mapping);
  const problems = mappingProblems(mapping, null);
  if (problems.length > 0) throw new AppError('validation_failed', `mapping: ${problems.join('; ')}`);
  if (!(await findAdvertiserForCheck(ctx.store.db, p.advertiserId))) throw notFound('advertiser');
  return savePreset(
    ctx.store.db,
    { ...p, mapping: JSON.stringify(mapping), currency: p.currency.toUpperCase() },
    ctx.clock.now(),
  );
}

export async function deleteCheckPreset(ctx: AppContext, id: number): Promise<void> {
  const result = await deletePresetById(ctx.store.db, id);
  if (Number(result.numDeletedRows) === 0) throw notFound('preset');
}
