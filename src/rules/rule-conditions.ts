// Each rule kind's condition, as a pure function of what a new conversion looks like. A condition
// "matches" when the conversion breaks it; the first matching rule's action applies.
import type { RuleKind, RuleParams } from './rule.table.ts';

/** What the rules read of a conversion being recorded. */
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
  /** The click's country and sub ids. */
  click(): Promise<{ country: string | null; subs: Record<string, string | null> }>;
}

const outside = (value: number, min: number | undefined, max: number | undefined) =>
  (min !== undefined && value < min) || (max !== undefined && value > max);

const listed = (value: string | null, p: RuleParams) =>
  (p.in !== undefined && value !== null && p.in.includes(value)) ||
  (p.notIn !== undefined && (value === null || !p.notIn.includes(value)));

export const RULE_CONDITIONS: Record<
  RuleKind,
  (p: RuleParams, s: RuleSubject) => boolean | Promise<boolean>
> = {
  payout_range: (p, s) => s.amount !== undefined && outside(s.amount, p.min, p.max),
  // Seed 004: "if an offer pays $3.50 but the postback claims $350.00, flag it".
  payout_ratio: (p, s) =>
    s.amount !== undefined &&
    s.expectedRevenue > 0 &&
    outside(s.amount / s.expectedRevenue, p.minRatio, p.maxRatio),
  sale_amount: (p, s) => s.saleAmount !== null && outside(s.saleAmount, p.min, p.max),
  goal: (p, s) => listed(s.goal, p),
  async country_mismatch(_p, s) {
    if (s.country === undefined) return false;
    const { country } = await s.click();
    return country !== null && country.toUpperCase() !== s.country;
  },
  async sub_id(p, s) {
    const { subs } = await s.click();
    return listed(subs[p.sub ?? 'sub1'] ?? null, p);
  },
  time_to_conversion: (p, s) => outside((s.now - s.clickCreatedAt) / 1000, p.minSeconds, p.maxSeconds),
};
