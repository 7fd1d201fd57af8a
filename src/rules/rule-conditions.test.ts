// Each kind's compiled condition on both sides of its bounds, and the lists both ways.
import { describe, expect, it } from 'vitest';
import type { RuleKind, RuleParams } from './rule.table.ts';
import { RULE_COMPILERS, type RuleSubject } from './rule-conditions.ts';

const NOW = Date.UTC(2026, 2, 1);
const subject = (over: Partial<RuleSubject> = {}): RuleSubject => ({
  advertiserId: 1,
  offerId: 2,
  publisherId: 3,
  goal: 'default',
  amount: 5,
  expectedRevenue: 5,
  saleAmount: null,
  country: undefined,
  clickCreatedAt: NOW - 60_000,
  now: NOW,
  clickCountry: 'DE',
  clickSubs: { sub1: 'user-1', sub2: null },
  ...over,
});
const breaks = (kind: RuleKind, params: RuleParams, over?: Partial<RuleSubject>) =>
  RULE_COMPILERS[kind](params)(subject(over));

describe('rule conditions', () => {
  it('payout_range and payout_ratio: outside either bound; no amount sent, nothing to judge', () => {
    expect(breaks('payout_range', { min: 1, max: 10 }, { amount: 0.5 })).toBe(true);
    expect(breaks('payout_range', { min: 1, max: 10 }, { amount: 11 })).toBe(true);
    expect(breaks('payout_range', { min: 1, max: 10 }, { amount: 10 })).toBe(false);
    expect(breaks('payout_range', { min: 1 }, { amount: undefined })).toBe(false);
    expect(breaks('payout_ratio', { minRatio: 0.5 }, { amount: 2 })).toBe(true);
    expect(breaks('payout_ratio', { maxRatio: 10 }, { amount: 350, expectedRevenue: 3.5 })).toBe(true);
    expect(breaks('payout_ratio', { maxRatio: 10 }, { amount: 350, expectedRevenue: 0 })).toBe(false);
  });

  it('sale_amount: only when one was sent', () => {
    expect(breaks('sale_amount', { max: 100 }, { saleAmount: 101 })).toBe(true);
    expect(breaks('sale_amount', { max: 100 }, { saleAmount: null })).toBe(false);
  });

  it('goal and sub_id: listed in `in`, or missing from `notIn` (an empty sub counts as missing)', () => {
    expect(breaks('goal', { in: ['purchase'] }, { goal: 'purchase' })).toBe(true);
    expect(breaks('goal', { notIn: ['install'] }, { goal: 'purchase' })).toBe(true);
    expect(breaks('goal', { notIn: ['install'] }, { goal: 'install' })).toBe(false);
    expect(breaks('sub_id', { sub: 'sub1', in: ['user-1'] })).toBe(true);
    expect(breaks('sub_id', { sub: 'sub2', notIn: ['forum'] })).toBe(true);
    expect(breaks('sub_id', { sub: 'sub2', in: ['forum'] })).toBe(false);
  });

  it('country_mismatch: case-insensitive against the click, nothing to compare without both', () => {
    expect(breaks('country_mismatch', {}, { country: 'US' })).toBe(true);
    expect(breaks('country_mismatch', {}, { country: 'DE', clickCountry: 'de' })).toBe(false);
    expect(breaks('country_mismatch', {}, { country: undefined })).toBe(false);
    expect(breaks('country_mismatch', {}, { country: 'US', clickCountry: null })).toBe(false);
  });

  it('time_to_conversion: faster than the minimum or later than the maximum', () => {
    expect(breaks('time_to_conversion', { minSeconds: 120 })).toBe(true);
    expect(breaks('time_to_conversion', { maxSeconds: 30 })).toBe(true);
    expect(breaks('time_to_conversion', { minSeconds: 10, maxSeconds: 3600 })).toBe(false);
  });

  it('a rule with no bounds or lists never matches', () => {
    for (const kind of [
      'payout_range',
      'payout_ratio',
      'sale_amount',
      'goal',
      'sub_id',
      'time_to_conversion',
    ] as const) {
      expect(breaks(kind, {}, { amount: 1e9, saleAmount: 1e9 }), kind).toBe(false);
    }
  });
});
