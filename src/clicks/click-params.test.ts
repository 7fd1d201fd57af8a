import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AD_CLICK_ID_PARAMS,
  cleanValue,
  EXTERNAL_ID_PARAMS,
  parseClickParams,
  type Query,
} from './click-params.ts';
import { SUB_KEYS, type SubValues } from './click-target.ts';

/** The rules spelled out one name at a time, as the parser's specification. */
function specParse(query: Query, defaults: SubValues) {
  const first = (name: string) => {
    const raw = Object.hasOwn(query, name) ? query[name] : undefined;
    return cleanValue(Array.isArray(raw) ? raw[0] : raw);
  };
  const firstOf = (names: readonly string[]) => names.map(first).find((v) => v !== null) ?? null;
  const subs: SubValues = {};
  SUB_KEYS.forEach((key, i) => {
    const value = firstOf([key, `subid_${i + 1}`, `sub_id_${i + 1}`]) ?? defaults[key];
    if (value !== undefined) subs[key] = value;
  });
  const adClickIds = Object.fromEntries(AD_CLICK_ID_PARAMS.map((name) => [name, first(name)]));
  return { subs, externalId: firstOf(EXTERNAL_ID_PARAMS), adClickIds };
}

const KNOWN_NAMES = [
  ...SUB_KEYS.flatMap((key, i) => [key, `subid_${i + 1}`, `sub_id_${i + 1}`]),
  ...EXTERNAL_ID_PARAMS,
  ...AD_CLICK_ID_PARAMS,
];

describe('parseClickParams', () => {
  it('takes the first value of a repeated parameter and treats empty as absent', () => {
    const params = parseClickParams({ sub1: ['a', 'b'], sub2: '', subid_2: 'two', cid: ['', 'x'] }, {});
    expect(params.subs).toEqual({ sub1: 'a', sub2: 'two' });
    expect(params.externalId).toBeNull();
  });

  it('lets the click override link defaults, sub by sub', () => {
    expect(parseClickParams({ sub_id_1: 'click' }, { sub1: 'link', sub9: 'nine' }).subs).toEqual({
      sub1: 'click',
      sub9: 'nine',
    });
  });
});

describe('parseClickParams against its specification', () => {
  it('agrees on random queries: aliases in any URL order, repeats, empties, unknown names', () => {
    const value = fc.oneof(fc.constant(''), fc.string({ maxLength: 6 }), fc.constant('\u0000'));
    const name = fc.oneof(fc.constantFrom(...KNOWN_NAMES), fc.constantFrom('utm_source', '__proto__', 'x'));
    const query = fc
      .array(fc.tuple(name, fc.oneof(value, fc.array(value, { minLength: 1, maxLength: 3 }))), {
        maxLength: 12,
      })
      .map((pairs) => {
        const q: Query = Object.create(null);
        for (const [k, v] of pairs) q[k] = v;
        return q;
      });
    const defaults = fc.dictionary(fc.constantFrom(...SUB_KEYS), fc.string({ minLength: 1, maxLength: 4 }));
    fc.assert(
      fc.property(query, defaults, (q, d) => {
        expect(parseClickParams(q, d)).toEqual(specParse(q, d));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('cleanValue', () => {
  it('cuts, drops NUL and repairs lone surrogates', () => {
    expect(cleanValue('abcdef', 3)).toBe('abc');
    expect(cleanValue('a\u0000b')).toBe('ab');
    expect(cleanValue('x\uD800y')).toBe('x\uFFFDy');
    expect(cleanValue('🎉')).toBe('🎉');
    expect(cleanValue('\u0000')).toBeNull();
    // A cut through a surrogate pair must not leave half of it behind.
    expect(cleanValue('a🎉', 2)).toBe('a\uFFFD');
  });
});
