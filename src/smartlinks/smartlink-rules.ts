// A SmartLink's rules as stored (JSON) and as the API speaks them. A rule matches a visitor when
// every non-empty list in its `match` contains the visitor's value (empty list = any); its offers
// share its traffic by weight.

/** The visitor attributes a rule can match on. */
export const MATCH_KEYS = ['countries', 'devices', 'os', 'browsers', 'languages'] as const;
export type MatchKey = (typeof MATCH_KEYS)[number];
export type RuleMatch = Partial<Record<MatchKey, string[]>>;

export interface RuleOffer {
  offerId: number;
  /** Share of the rule's traffic relative to its other offers' weights. */
  weight: number;
  /** A paused offer gets no traffic; the rule's other offers share it. */
  paused: boolean;
}

export interface SmartLinkRule {
  /** Stable within its SmartLink (kept through edits and reorders); recorded on each click. */
  id: number;
  name: string;
  match: RuleMatch;
  offers: RuleOffer[];
}

/** What a visitor is, as far as the rules care; null = unknown (matches only rules that do not ask). */
export interface Visitor {
  country: string | null;
  device: string | null;
  os: string | null;
  browser: string | null;
  language: string | null;
}

/** Match values are compared case-insensitively; countries are stored upper-case, the rest lower. */
export function normalizeMatchValue(key: MatchKey, value: string): string {
  const trimmed = value.trim();
  return key === 'countries' ? trimmed.toUpperCase() : trimmed.toLowerCase();
}

/** The primary language of an Accept-Language header ("de-CH,de;q=0.9" → "de"), or null. */
export function primaryLanguage(acceptLanguage: string | undefined): string | null {
  if (!acceptLanguage) return null;
  const match = /^\s*([A-Za-z]{2,3})(?![A-Za-z])/.exec(acceptLanguage);
  return match ? match[1].toLowerCase() : null;
}

/** Parses stored rules leniently: a malformed value must not take the link down, it just has none. */
export function parseRules(json: string): SmartLinkRule[] {
  try {
    const parsed = JSON.parse(json);
    return Array.isArray(parsed) ? (parsed as SmartLinkRule[]) : [];
  } catch {
    return [];
  }
}

export function parseOptimizedWeights(json: string | null): Map<number, number> | null {
  if (!json) return null;
  try {
    const parsed = JSON.parse(json) as Record<string, number>;
    return new Map(Object.entries(parsed).map(([id, w]) => [Number(id), Number(w)]));
  } catch {
    return null;
  }
}
