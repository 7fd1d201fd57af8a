// Auto-optimisation: for each SmartLink with it on, weights follow each offer's EPC (revenue of
// counting conversions per click) over its recent window. Offers without enough clicks yet get the
// top weight so they are measured; offers with data never fall below a floor so they keep being
// measured. Runs periodically in the worker; the click path picks the result up on its next compile.
import type { AppContext } from '../server/app-context.ts';
import {
  MIN_CLICKS_FOR_EPC,
  MIN_OPTIMIZED_WEIGHT,
  OPTIMIZE_INTERVAL_MS,
  OPTIMIZED_WEIGHT_SCALE,
} from './limits.ts';
import {
  listAutoOptimizedSmartLinks,
  offerEarningsSince,
  updateSmartLinkRow,
} from './smartlink.repository.ts';
import type { SmartLinkRow } from './smartlink.table.ts';
import { parseRules } from './smartlink-rules.ts';

/** Offer id → weight, or null when no offer has earned yet (the rules' own weights then apply). */
export function weightsFromEarnings(
  offerIds: readonly number[],
  earnings: ReadonlyMap<number, { clicks: number; revenue: number }>,
): Record<number, number> | null {
  const epc = new Map<number, number>();
  for (const id of offerIds) {
    const e = earnings.get(id);
    if (e && e.clicks >= MIN_CLICKS_FOR_EPC) epc.set(id, e.revenue / e.clicks);
  }
  const best = Math.max(0, ...epc.values());
  if (best <= 0) return null;
  const weights: Record<number, number> = {};
  for (const id of offerIds) {
    const value = epc.get(id);
    weights[id] =
      value === undefined
        ? OPTIMIZED_WEIGHT_SCALE
        : Math.max(MIN_OPTIMIZED_WEIGHT, Math.round((OPTIMIZED_WEIGHT_SCALE * value) / best));
  }
  return weights;
}

export async function recomputeSmartLinkWeights(ctx: AppContext, row: SmartLinkRow): Promise<void> {
  const now = ctx.clock.now();
  const offerIds = [...new Set(parseRules(row.rules).flatMap((r) => r.offers.map((o) => o.offerId)))];
  const since = now - row.optimize_window_hours * 3_600_000;
  const earnings = await offerEarningsSince(ctx.store.db, Number(row.id), offerIds, since);
  const weights = weightsFromEarnings(offerIds, earnings);
  await updateSmartLinkRow(ctx.store.db, Number(row.id), {
    optimized_weights: weights ? JSON.stringify(weights) : null,
    optimized_at: now,
  });
}

export async function recomputeAllSmartLinkWeights(ctx: AppContext): Promise<number> {
  const rows = await listAutoOptimizedSmartLinks(ctx.store.db);
  for (const row of rows) await recomputeSmartLinkWeights(ctx, row);
  if (rows.length > 0) ctx.events.emit('catalog.changed');
  return rows.length;
}

/** Recomputes every interval until stopped; a failed round is logged and the next one tries again. */
export function startSmartLinkOptimizer(ctx: AppContext, intervalMs = OPTIMIZE_INTERVAL_MS): () => void {
  const log = ctx.log.child({ component: 'smartlink-optimizer' });
  const timer = setInterval(() => {
    recomputeAllSmartLinkWeights(ctx).catch((err) => log.warn({ err }, 'smartlink weights not recomputed'));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
