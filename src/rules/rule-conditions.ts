// Each rule kind's condition, compiled once from its parameters into a synchronous test of what a
// new conversion looks like. A condition "matches" when the conversion breaks it; the first
// matching rule's action applies.
import type { RuleKind, RuleParams } from './rule.table.ts';

/** What the rules read of a conversion being recorded: all of it known before the rules run. */
export interface RuleSubject {
  advertiserId: number;
  offerId: number;
  publisherId: number;
  goal: string;
  /** The amount the advertiser sent; undefined when it sent none. */
  amount: number | undefined;
  expectedRevenue: number;
  saleAmount: number | null;
  /** Country the postback reports (its `country` parameter), upper-case; undefined when none. */
  country: string | undefined;
  clickCreatedAt: number;
  now: number;
  /** The click's country, as stored. */
  clickCountry: string | null;
  /** The click's sub1–sub10. */
  clickSubs: Readonly<Record<string, string | null>>;
}

export type RuleCondition = (s: RuleSubject) => boolean;

const never: RuleCondition = () => false;

/** A test of "value outside [min, max]"; never true when neither bound is set. */
function outside(min: number | undefined, max: number | undefined): ((value: number) => boolean) | undefined {
  if (min === undefined && max === undefined) return undefined;
  const lo = min ?? Number.NEGATIVE_INFINITY;
  const hi = max ?? Number.POSITIVE_INFINITY;
  return (value) => value < lo || value > hi;
}

/** A test of "value listed in `in`, or not listed in `notIn`". */
function listed(p: RuleParams): ((value: string | null) => boolean) | undefined {
  const inSet = p.in === undefined ? undefined : new Set(p.in);
  const notInSet = p.notIn === undefined ? undefined : new Set(p.notIn);
  if (!inSet && !notInSet) return undefined;
  return (value) =>
    (inSet !== undefined && value !== null && inSet.has(value)) ||
    (notInSet !== undefined && (value === null || !notInSet.has(value)));
}

export const RULE_COMPILERS: Record<RuleKind, (p: RuleParams) => RuleCondition> = {
  payout_range(p) {
    const out = outside(p.min, p.max);
    return out ? (s) => s.amount !== undefined && out(s.amount) : never;
  },
  // Seed 004: "if an offer pays $3.50 but the postback claims $350.00, flag it".
  payout_ratio(p) {
    const out = outside(p.minRatio, p.maxRatio);
    return out
      ? (s) => s.amount !== undefined && s.expectedRevenue > 0 && out(s.amount / s.expectedRevenue)
      : never;
  },
  sale_amount(p) {
    const out = outside(p.min, p.max);
    return out ? (s) => s.saleAmount !== null && out(s.saleAmount) : never;
  },
  goal(p) {
    const test = listed(p);
    return test ? (s) => test(s.goal) : never;
  },
  country_mismatch: () => (s) =>
    s.country !== undefined && s.clickCountry !== null && s.clickCountry.toUpperCase() !== s.country,
  sub_id(p) {
    const test = listed(p);
    const sub = p.sub ?? 'sub1';
    return test ? (s) => test(s.clickSubs[sub] ?? null) : never;
  },
  time_to_conversion(p) {
    const out = outside(p.minSeconds, p.maxSeconds);
    return out ? (s) => out((s.now - s.clickCreatedAt) / 1000) : never;
  },
};
