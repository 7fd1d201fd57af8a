import { describe, expect, it } from 'vitest';
import { everyOfferAvailable, type OfferAvailability } from './offer-availability.ts';
import { weightsFromEarnings } from './smartlink-optimizer.ts';
import {
  type CompiledSmartLink,
  chooseRoute,
  compileSmartLink,
  explainRoute,
  FALLBACK_RULE_ID,
  normalizeVisitor,
} from './smartlink-resolver.ts';
import type { RuleMatch, RuleOffer, SmartLinkRule, Visitor } from './smartlink-rules.ts';
import { primaryLanguage } from './smartlink-rules.ts';

const OFFERS = new Map(
  [1, 2, 3, 4, 5].map((id) => [id, { advertiserId: 100 + id, url: `https://o${id}.test/?c={click_id}` }]),
);

function rule(
  id: number,
  match: RuleMatch,
  offers: Array<Partial<RuleOffer> & { offerId: number }>,
): SmartLinkRule {
  return { id, name: `r${id}`, match, offers: offers.map((o) => ({ weight: 1, paused: false, ...o })) };
}

function compile(
  rules: SmartLinkRule[],
  available: OfferAvailability = everyOfferAvailable,
  optimizedWeights: Map<number, number> | null = null,
): CompiledSmartLink {
  return compileSmartLink(
    { id: 9, rules, fallbackUrl: 'https://fallback.test/', optimizedWeights },
    OFFERS,
    available,
  );
}

const visitor = (v: Partial<Visitor>): Visitor =>
  normalizeVisitor({ country: null, device: null, os: null, browser: null, language: null, ...v });

describe('SmartLink resolver', () => {
  const link = compile([
    rule(1, { countries: ['de', 'AT'] }, [{ offerId: 1 }]),
    rule(2, { devices: ['Tablet'] }, [{ offerId: 2 }]),
    rule(3, { os: ['iOS'] }, [{ offerId: 3 }]),
    rule(4, { browsers: ['Firefox'] }, [{ offerId: 4 }]),
    rule(5, { languages: ['FR'] }, [{ offerId: 5 }]),
  ]);

  it.each([
    ['country', { country: 'AT', os: 'iOS' }, 1, 1],
    ['device', { country: 'US', device: 'tablet' }, 2, 2],
    ['os', { device: 'mobile', os: 'iOS' }, 3, 3],
    ['browser', { browser: 'firefox' }, 4, 4],
    ['language', { language: 'fr' }, 5, 5],
    ['nothing fits: fallback', { country: 'US', device: 'desktop', os: 'Windows' }, FALLBACK_RULE_ID, null],
  ])('routes by %s, first matching rule in order', (_kind, v, ruleId, offerId) => {
    const choice = chooseRoute(link, visitor(v), 1);
    expect(choice.ruleId).toBe(ruleId);
    expect(choice.target?.offerId ?? null).toBe(offerId);
  });

  it('needs every condition of a rule, and an unknown value matches only rules that do not ask', () => {
    const both = compile([rule(1, { countries: ['DE'], devices: ['mobile'] }, [{ offerId: 1 }])]);
    expect(chooseRoute(both, visitor({ country: 'DE', device: 'mobile' }), 1).ruleId).toBe(1);
    expect(chooseRoute(both, visitor({ country: 'DE', device: 'desktop' }), 1).ruleId).toBe(FALLBACK_RULE_ID);
    expect(chooseRoute(both, visitor({ device: 'mobile' }), 1).ruleId).toBe(FALLBACK_RULE_ID);
  });

  it('splits a rule by weight exactly: every share within 2 % over 10 000 clicks', () => {
    const split = compile([
      rule(1, {}, [
        { offerId: 1, weight: 50 },
        { offerId: 2, weight: 30 },
        { offerId: 3, weight: 20 },
      ]),
    ]);
    const counts = new Map<number, number>();
    for (let i = 0; i < 10_000; i++) {
      const id = chooseRoute(split, visitor({}), 1).target?.offerId ?? 0;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    // Smooth weighted round-robin: exact per cycle of 100.
    expect(Object.fromEntries(counts)).toEqual({ 1: 5_000, 2: 3_000, 3: 2_000 });
  });

  it('interleaves offers rather than sending runs to one of them', () => {
    const split = compile([
      rule(1, {}, [
        { offerId: 1, weight: 1 },
        { offerId: 2, weight: 1 },
      ]),
    ]);
    const picks = Array.from({ length: 6 }, () => chooseRoute(split, visitor({}), 1).target?.offerId);
    expect(picks).toEqual([1, 2, 1, 2, 1, 2]);
  });

  it('skips paused and zero-weight offers; a rule with none left passes the visitor on', () => {
    const paused = compile([
      rule(1, {}, [
        { offerId: 1, paused: true },
        { offerId: 2, weight: 0 },
      ]),
      rule(2, {}, [{ offerId: 3, paused: true }, { offerId: 4 }]),
    ]);
    for (let i = 0; i < 5; i++)
      expect(chooseRoute(paused, visitor({}), 1)).toMatchObject({ ruleId: 2, target: { offerId: 4 } });
  });

  it('skips offers the availability check refuses (caps), per publisher, and falls back when none is left', () => {
    const capped = new Set(['1:7', '2:7']);
    const isAvailable: OfferAvailability = (offer, publisher) => !capped.has(`${offer}:${publisher}`);
    const link2 = compile([rule(1, {}, [{ offerId: 1 }, { offerId: 2 }])], isAvailable);
    expect(chooseRoute(link2, visitor({}), 7)).toEqual({ ruleId: FALLBACK_RULE_ID, target: null });
    expect(chooseRoute(link2, visitor({}), 8).target?.offerId).toBe(1);
    capped.delete('2:7');
    expect(chooseRoute(link2, visitor({}), 7).target?.offerId).toBe(2);
  });

  it('uses optimised weights in place of the rules’ weights when given', () => {
    const optimised = compile(
      [
        rule(1, {}, [
          { offerId: 1, weight: 1 },
          { offerId: 2, weight: 1 },
        ]),
      ],
      everyOfferAvailable,
      new Map([
        [1, 900],
        [2, 100],
      ]),
    );
    const picks = Array.from({ length: 1000 }, () => chooseRoute(optimised, visitor({}), 1).target?.offerId);
    expect(picks.filter((p) => p === 1)).toHaveLength(900);
  });

  it('explains a route with the candidates’ shares', () => {
    const split = compile([
      rule(4, { countries: ['US'] }, [
        { offerId: 1, weight: 3 },
        { offerId: 2, weight: 1 },
      ]),
    ]);
    expect(explainRoute(split, visitor({ country: 'us' }), 1)).toEqual({
      ruleId: 4,
      target: expect.objectContaining({ offerId: 1, advertiserId: 101 }),
      candidates: [
        { offerId: 1, share: 0.75 },
        { offerId: 2, share: 0.25 },
      ],
    });
    expect(explainRoute(split, visitor({ country: 'DE' }), 1)).toMatchObject({ ruleId: 0, candidates: [] });
  });

  it('reads the primary language of Accept-Language', () => {
    expect(primaryLanguage('de-CH,de;q=0.9,en;q=0.8')).toBe('de');
    expect(primaryLanguage('FR')).toBe('fr');
    expect(primaryLanguage('*')).toBeNull();
    expect(primaryLanguage(undefined)).toBeNull();
  });
});

describe('auto-optimised weights', () => {
  it('follow EPC, keep a floor, give offers without enough data the top weight', () => {
    const earnings = new Map([
      [1, { clicks: 100, revenue: 50 }], // EPC 0.5
      [2, { clicks: 100, revenue: 10 }], // EPC 0.1
      [3, { clicks: 100, revenue: 0 }], // EPC 0
      [4, { clicks: 10, revenue: 30 }], // too few clicks to judge
    ]);
    expect(weightsFromEarnings([1, 2, 3, 4], earnings)).toEqual({ 1: 1000, 2: 200, 3: 50, 4: 1000 });
  });

  it('leave the rules’ weights alone while nothing has earned', () => {
    expect(weightsFromEarnings([1, 2], new Map([[1, { clicks: 500, revenue: 0 }]]))).toBeNull();
  });
});
