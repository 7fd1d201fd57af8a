// A SmartLink compiled for the click path: match sets, compiled destination templates and rotation
// state, so choosing an offer is a few set lookups and additions per click, with no database read.
// Rotation is smooth weighted round-robin (as in nginx): over any run of clicks each offer's share
// stays within one rotation cycle of its weight's share, so an A/B split is exact, not a dice roll.
import { type CompiledTemplate, compileTemplate } from '../macros/template.ts';
import type { OfferAvailability } from './offer-availability.ts';
import {
  MATCH_KEYS,
  type MatchKey,
  normalizeMatchValue,
  type SmartLinkRule,
  type Visitor,
} from './smartlink-rules.ts';

export interface RouteDestination {
  readonly destination: CompiledTemplate;
  /** The URL has a {random}: only then does a click pay for a fresh UUID. */
  readonly usesRandom: boolean;
}

export interface RouteTarget extends RouteDestination {
  readonly offerId: number;
  readonly advertiserId: number;
}

interface Entry {
  readonly target: RouteTarget;
  readonly weight: number;
  current: number;
}

interface CompiledRule {
  readonly id: number;
  readonly tests: ReadonlyArray<readonly [keyof Visitor, ReadonlySet<string>]>;
  readonly entries: Entry[];
}

export interface CompiledSmartLink {
  readonly id: number;
  readonly rules: readonly CompiledRule[];
  readonly fallback: RouteDestination;
  /** Some rule matches on language: only then is Accept-Language read. */
  readonly usesLanguage: boolean;
  readonly targets: ReadonlyMap<number, RouteTarget>;
  readonly isAvailable: OfferAvailability;
}

/** What a SmartLink chose: an offer by a rule, or (ruleId 0, target null) its fallback URL. */
export interface Choice {
  ruleId: number;
  target: RouteTarget | null;
}

export interface SmartLinkDefinition {
  id: number;
  rules: readonly SmartLinkRule[];
  fallbackUrl: string;
  /** Offer id → weight replacing the rules' weights (auto-optimisation), when on and computed. */
  optimizedWeights: ReadonlyMap<number, number> | null;
}

export interface OfferDestination {
  advertiserId: number;
  url: string;
}

const VISITOR_KEY: Record<MatchKey, keyof Visitor> = {
  countries: 'country',
  devices: 'device',
  os: 'os',
  browsers: 'browser',
  languages: 'language',
};

export const FALLBACK_RULE_ID = 0;

/** A destination URL compiled for the click path. */
export function routeDestination(url: string): RouteDestination {
  const destination = compileTemplate(url);
  return { destination, usesRandom: destination.macros.some((use) => use.canonical === 'random') };
}

export function compileSmartLink(
  definition: SmartLinkDefinition,
  offers: ReadonlyMap<number, OfferDestination>,
  isAvailable: OfferAvailability,
): CompiledSmartLink {
  const targets = new Map<number, RouteTarget>();
  const targetOf = (offerId: number): RouteTarget | undefined => {
    let target = targets.get(offerId);
    const offer = offers.get(offerId);
    if (!target && offer) {
      target = { offerId, advertiserId: offer.advertiserId, ...routeDestination(offer.url) };
      targets.set(offerId, target);
    }
    return target;
  };
  const rules = definition.rules.map((rule): CompiledRule => {
    const tests: [keyof Visitor, Set<string>][] = [];
    for (const key of MATCH_KEYS) {
      const values = rule.match[key];
      if (values && values.length > 0) {
        tests.push([VISITOR_KEY[key], new Set(values.map((v) => normalizeMatchValue(key, v)))]);
      }
    }
    const entries: Entry[] = [];
    for (const offer of rule.offers) {
      const weight = definition.optimizedWeights?.get(offer.offerId) ?? offer.weight;
      const target = targetOf(offer.offerId);
      // A deleted offer is skipped like a paused one: the link keeps working.
      if (!offer.paused && weight > 0 && target) entries.push({ target, weight, current: 0 });
    }
    return { id: rule.id, tests, entries };
  });
  return {
    id: definition.id,
    rules,
    fallback: routeDestination(definition.fallbackUrl),
    usesLanguage: rules.some((r) => r.tests.some(([key]) => key === 'language')),
    targets,
    isAvailable,
  };
}

/** The visitor's values as the rules compare them. */
export function normalizeVisitor(visitor: Visitor): Visitor {
  return {
    country: visitor.country?.toUpperCase() ?? null,
    device: visitor.device?.toLowerCase() ?? null,
    os: visitor.os?.toLowerCase() ?? null,
    browser: visitor.browser?.toLowerCase() ?? null,
    language: visitor.language?.toLowerCase() ?? null,
  };
}

function matches(rule: CompiledRule, visitor: Visitor): boolean {
  for (const [key, values] of rule.tests) {
    const value = visitor[key];
    if (value === null || !values.has(value)) return false;
  }
  return true;
}

/** One step of smooth weighted round-robin over the rule's available offers. */
function rotate(rule: CompiledRule, publisherId: number, isAvailable: OfferAvailability): RouteTarget | null {
  let total = 0;
  let best: Entry | null = null;
  for (const entry of rule.entries) {
    if (!isAvailable(entry.target.offerId, publisherId)) continue;
    entry.current += entry.weight;
    total += entry.weight;
    if (best === null || entry.current > best.current) best = entry;
  }
  if (best === null) return null;
  best.current -= total;
  return best.target;
}

/**
 * The first rule (in order) that matches the visitor and has an available offer chooses; a matching
 * rule whose offers are all paused or unavailable passes the visitor on to the next rule. `visitor`
 * must be normalised (normalizeVisitor). Advances the chosen rule's rotation.
 */
export function chooseRoute(link: CompiledSmartLink, visitor: Visitor, publisherId: number): Choice {
  for (const rule of link.rules) {
    if (!matches(rule, visitor)) continue;
    const target = rotate(rule, publisherId, link.isAvailable);
    if (target) return { ruleId: rule.id, target };
  }
  return { ruleId: FALLBACK_RULE_ID, target: null };
}

/** Where a click that `choice` routed goes: its offer's URL, or the fallback URL. */
export function destinationOf(link: CompiledSmartLink, offerId: number, ruleId: number): RouteDestination {
  if (ruleId === FALLBACK_RULE_ID) return link.fallback;
  return link.targets.get(offerId) ?? link.fallback;
}

export interface RouteExplanation extends Choice {
  /** The chosen rule's offers that could take this visitor, with their share of its traffic. */
  candidates: { offerId: number; share: number }[];
}

/**
 * What chooseRoute would do for this visitor, with the chosen rule's candidates and their shares;
 * the first pick of a fresh rotation is the offer with the largest weight.
 */
export function explainRoute(
  link: CompiledSmartLink,
  visitor: Visitor,
  publisherId: number,
): RouteExplanation {
  const choice = chooseRoute(link, visitor, publisherId);
  const rule = link.rules.find((r) => r.id === choice.ruleId);
  const available = (rule?.entries ?? []).filter((e) => link.isAvailable(e.target.offerId, publisherId));
  const total = available.reduce((sum, e) => sum + e.weight, 0);
  return {
    ...choice,
    candidates: available.map((e) => ({ offerId: e.target.offerId, share: e.weight / total })),
  };
}
