// SmartLink rules: rules in order with stable ids, offers that exist, a fallback URL with only click
// macros; every change drops the click path's compiled copies ('catalog.changed').

import type { Db } from '../db/database.types.ts';
import type { Store } from '../db/store.ts';
import { REDIRECT_MACROS } from '../macros/click-macro-values.ts';
import { assertKnownMacros, assertNoMacroInAuthority } from '../macros/validate-template.ts';
import type { AppContext } from '../server/app-context.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { everyOfferAvailable, type OfferAvailability } from './offer-availability.ts';
import {
  type CompilableSmartLinkRow,
  deleteSmartLinkRow,
  findOfferDestinations,
  findSmartLinkRow,
  insertSmartLink,
  listSmartLinkRules,
  type OfferDestinationRow,
  selectOfferDestinationById,
  selectSmartLinkById,
  smartLinkHasLinks,
  updateSmartLinkRow,
} from './smartlink.repository.ts';
import type { SmartLinkRow } from './smartlink.table.ts';
import { type CompiledSmartLink, compileSmartLink, type OfferDestination } from './smartlink-resolver.ts';
import {
  MATCH_KEYS,
  normalizeMatchValue,
  parseOptimizedWeights,
  parseRules,
  type RuleMatch,
  type SmartLinkRule,
} from './smartlink-rules.ts';

export interface RuleInput {
  id?: number;
  name?: string;
  match?: RuleMatch;
  offers: { offerId: number; weight?: number; paused?: boolean }[];
}

export interface SmartLinkInput {
  name: string;
  fallbackUrl: string;
  rules?: RuleInput[];
  autoOptimize?: boolean;
  optimizeWindowHours?: number;
}

export type SmartLinkPatch = Partial<SmartLinkInput>;

export { findSmartLinkRow } from './smartlink.repository.ts';

export function toSmartLinkView(row: SmartLinkRow) {
  const weights = parseOptimizedWeights(row.optimized_weights);
  return {
    id: Number(row.id),
    name: row.name,
    fallbackUrl: row.fallback_url,
    rules: parseRules(row.rules),
    autoOptimize: row.auto_optimize === 1,
    optimizeWindowHours: row.optimize_window_hours,
    optimizedWeights: weights ? Object.fromEntries(weights) : null,
    optimizedAt: row.optimized_at === null ? null : Number(row.optimized_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function checkFallbackUrl(url: string): void {
  assertKnownMacros([['fallbackUrl', url]], REDIRECT_MACROS);
  assertNoMacroInAuthority('fallbackUrl', url);
}

/** The rules as stored: known ids kept, new rules numbered from nextRuleId, match values normalised. */
async function normalizeRules(
  db: Db,
  inputs: RuleInput[],
  knownIds: ReadonlySet<number>,
  nextRuleId: number,
): Promise<{ rules: SmartLinkRule[]; nextRuleId: number }> {
  const offerIds = [...new Set(inputs.flatMap((r) => r.offers.map((o) => o.offerId)))];
  const offers = await findOfferDestinations(db, offerIds);
  const seen = new Set<number>();
  let next = nextRuleId;
  const rules = inputs.map((input, i): SmartLinkRule => {
    if (input.id !== undefined && (!knownIds.has(input.id) || seen.has(input.id))) {
      throw new AppError(
        'validation_failed',
        `rules[${i}].id: no rule ${input.id} in this SmartLink (omit id for a new rule)`,
      );
    }
    const id = input.id ?? next++;
    seen.add(id);
    input.offers.forEach((offer, j) => {
      if (!offers.has(offer.offerId)) {
        throw new AppError(
          'validation_failed',
          `rules[${i}].offers[${j}].offerId: no offer ${offer.offerId}`,
        );
      }
    });
    const match: RuleMatch = {};
    for (const key of MATCH_KEYS) {
      const values = input.match?.[key];
      if (values?.length) match[key] = [...new Set(values.map((v) => normalizeMatchValue(key, v)))];
    }
    return {
      id,
      name: input.name ?? `Rule ${id}`,
      match,
      offers: input.offers.map((o) => ({
        offerId: o.offerId,
        weight: o.weight ?? 1,
        paused: o.paused ?? false,
      })),
    };
  });
  return { rules, nextRuleId: next };
}

export async function createSmartLink(ctx: AppContext, input: SmartLinkInput): Promise<SmartLinkRow> {
  checkFallbackUrl(input.fallbackUrl);
  const { rules, nextRuleId } = await normalizeRules(ctx.store.db, input.rules ?? [], new Set(), 1);
  const now = ctx.clock.now();
  const row = await insertSmartLink(ctx.store.db, {
    name: input.name,
    fallback_url: input.fallbackUrl,
    rules: JSON.stringify(rules),
    next_rule_id: nextRuleId,
    auto_optimize: input.autoOptimize ? 1 : 0,
    optimize_window_hours: input.optimizeWindowHours ?? 24,
    created_at: now,
    updated_at: now,
  });
  ctx.events.emit('catalog.changed');
  return row;
}

export async function updateSmartLink(
  ctx: AppContext,
  id: number,
  patch: SmartLinkPatch,
): Promise<SmartLinkRow> {
  const db = ctx.store.db;
  const current = await findSmartLinkRow(db, id);
  if (!current) throw notFound('smartlink');
  if (patch.fallbackUrl !== undefined) checkFallbackUrl(patch.fallbackUrl);
  let rulePatch = {};
  if (patch.rules !== undefined) {
    const known = new Set(parseRules(current.rules).map((r) => r.id));
    const { rules, nextRuleId } = await normalizeRules(db, patch.rules, known, current.next_rule_id);
    rulePatch = { rules: JSON.stringify(rules), next_rule_id: nextRuleId };
  }
  const row = await updateSmartLinkRow(db, id, {
    ...(patch.name !== undefined && { name: patch.name }),
    ...(patch.fallbackUrl !== undefined && { fallback_url: patch.fallbackUrl }),
    ...(patch.autoOptimize !== undefined && { auto_optimize: patch.autoOptimize ? 1 : 0 }),
    ...(patch.optimizeWindowHours !== undefined && { optimize_window_hours: patch.optimizeWindowHours }),
    ...rulePatch,
    updated_at: ctx.clock.now(),
  });
  if (!row) throw notFound('smartlink');
  ctx.events.emit('catalog.changed');
  return row;
}

export async function deleteSmartLink(ctx: AppContext, id: number): Promise<void> {
  if (await smartLinkHasLinks(ctx.store.db, id)) {
    throw new AppError('conflict', 'smartlink: tracking links point at it; point them elsewhere first');
  }
  if (!(await deleteSmartLinkRow(ctx.store.db, id))) throw notFound('smartlink');
  ctx.events.emit('catalog.changed');
}

/** The offer a SmartLink link's clicks are counted under when it falls back: its first offer. */
export async function defaultOfferOf(db: Db, id: number): Promise<number | undefined> {
  const row = await findSmartLinkRow(db, id);
  return row ? parseRules(row.rules).flatMap((r) => r.offers)[0]?.offerId : undefined;
}

/** The ids of the SmartLinks whose rules name this offer. */
export async function smartLinksUsingOffer(db: Db, offerId: number): Promise<number[]> {
  const rows = await listSmartLinkRules(db);
  return rows
    .filter((row) => parseRules(row.rules).some((rule) => rule.offers.some((o) => o.offerId === offerId)))
    .map((row) => Number(row.id));
}

export function smartLinkExists(db: Db, id: number): Promise<boolean> {
  return findSmartLinkRow(db, id).then((row) => row !== undefined);
}

/**
 * The click path's SmartLink loader: reads the SmartLink and its offers on prepared lookups (on
 * SQLite these skip the read barrier, so a cache miss does not force the click journal to import
 * early) and compiles them. Runs on a click target cache miss, never per click.
 */
export function createSmartLinkLoader(
  store: Store,
  isAvailable: OfferAvailability = everyOfferAvailable,
): (id: number) => Promise<CompiledSmartLink | null> {
  const findRow = store.lookups.prepareLookup<CompilableSmartLinkRow>(selectSmartLinkById);
  const findOffer = store.lookups.prepareLookup<OfferDestinationRow>(selectOfferDestinationById);
  return async (id) => {
    const row = await findRow(id);
    if (!row) return null;
    const offers = new Map<number, OfferDestination>();
    for (const offerId of offerIdsOf(parseRules(row.rules))) {
      const offer = await findOffer(offerId);
      if (offer) offers.set(offerId, { advertiserId: Number(offer.advertiser_id), url: offer.url });
    }
    return compileLoaded(row, offers, isAvailable);
  };
}

const offerIdsOf = (rules: SmartLinkRule[]) => [
  ...new Set(rules.flatMap((r) => r.offers.map((o) => o.offerId))),
];

function compileLoaded(
  row: CompilableSmartLinkRow,
  offers: ReadonlyMap<number, OfferDestination>,
  isAvailable: OfferAvailability,
): CompiledSmartLink {
  return compileSmartLink(
    {
      id: Number(row.id),
      rules: parseRules(row.rules),
      fallbackUrl: row.fallback_url,
      optimizedWeights: row.auto_optimize === 1 ? parseOptimizedWeights(row.optimized_weights) : null,
    },
    offers,
    isAvailable,
  );
}

export async function compileRow(
  db: Db,
  row: SmartLinkRow,
  isAvailable: OfferAvailability,
): Promise<CompiledSmartLink> {
  return compileLoaded(row, await findOfferDestinations(db, offerIdsOf(parseRules(row.rules))), isAvailable);
}
