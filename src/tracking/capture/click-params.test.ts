import { type ParsedUrlQuery, parse as parseQuery } from 'node:querystring';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SUB_KEYS, type SubValues } from '../clicks/click.table.ts';
import {
  AD_CLICK_ID_PARAMS,
  cleanValue,
  EXTERNAL_ID_PARAMS,
  FBP_FORMAT,
  fbpOfCookie,
  parseClickParams,
} from './click-params.ts';

/**
 * The rules spelled out one name at a time, as the parser's specification, over the query as
 * node's querystring.parse reads it.
 */
function specParse(queryString: string, defaults: SubValues) {
  const query: ParsedUrlQuery = parseQuery(queryString);
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
  const fbp = first('fbp');
  return {
    subs,
    externalId: firstOf(EXTERNAL_ID_PARAMS),
    adClickIds,
    fbp: fbp !== null && FBP_FORMAT.test(fbp) ? fbp : null,
  };
}

const KNOWN_NAMES = [
  ...SUB_KEYS.flatMap((key, i) => [key, `subid_${i + 1}`, `sub_id_${i + 1}`]),
  ...EXTERNAL_ID_PARAMS,
  ...AD_CLICK_ID_PARAMS,
  'fbp',
];

describe('fbp', () => {
  const FBP = 'fb.1.1596403881668.1116446470';

  it('keeps a well-formed fbp parameter exactly as received, and drops one that is not', () => {
    expect(parseClickParams(`fbp=${FBP}`, {}).fbp).toBe(FBP);
    expect(parseClickParams('fbp=fb.1.1657051589577.1088522659.AQEAAQMB', {}).fbp).toBe(
      'fb.1.1657051589577.1088522659.AQEAAQMB',
    );
    // Seconds instead of milliseconds, a hashed value, junk: not Meta's format, so nothing is kept.
    for (const bad of ['fb.1.1596403881.1116446470', 'a'.repeat(64), 'hello', 'fb.1.1596403881668.'])
      expect(parseClickParams(`fbp=${encodeURIComponent(bad)}`, {}).fbp).toBeNull();
    expect(parseClickParams('fbclid=x', {}).fbp).toBeNull();
  });

  it('reads the _fbp cookie among others, and only a well-formed one', () => {
    expect(fbpOfCookie(`a=1; _fbp=${FBP}; _fbc=fb.1.1554763741205.AbC`)).toBe(FBP);
    expect(fbpOfCookie(`_fbp=${FBP}`)).toBe(FBP);
    expect(fbpOfCookie('x_fbp=fb.1.1596403881668.1; b=2')).toBeNull();
    expect(fbpOfCookie('_fbp=not-meta')).toBeNull();
    expect(fbpOfCookie(undefined)).toBeNull();
  });
});

describe('parseClickParams', () => {
  it('takes the first value of a repeated parameter and treats empty as absent', () => {
    const params = parseClickParams('sub1=a&sub2=&sub1=b&subid_2=two&cid&cid=x', {});
    expect(params.subs).toEqual({ sub1: 'a', sub2: 'two' });
    expect(params.externalId).toBeNull();
  });

  it('lets the click override link defaults, sub by sub', () => {
    expect(parseClickParams('sub_id_1=click', { sub1: 'link', sub9: 'nine' }).subs).toEqual({
      sub1: 'click',
      sub9: 'nine',
    });
  });
});

describe('parseClickParams against its specification', () => {
  // Text that decoding must get right: '+', valid and broken %-escapes, multi-byte UTF-8, NUL.
  const piece = fc.constantFrom(
    'a',
    'Z',
    '9',
    '+',
    ' ',
    '%20',
    '%2B',
    '%26',
    '%3D',
    '%',
    '%4',
    '%zz',
    '%E6%97%A5',
    '%ED%A0%80',
    '%00',
    '.',
    '~',
  );
  const text = (maxLength: number) => fc.array(piece, { maxLength }).map((parts) => parts.join(''));
  const known = fc.constantFrom(...KNOWN_NAMES);
  // Known names as sent: plainly, %-encoded letter by letter, or with a '+' that decodes to a space.
  const name = fc.oneof(
    known,
    known.map((n) => [...n].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')),
    fc.constantFrom('utm_source', '__proto__', 'x', '', 'sub1+', 'c+id'),
    text(3),
  );
  const segment = fc.oneof(
    fc.tuple(name, text(6)).map(([n, v]) => `${n}=${v}`),
    name, // a name with no '=' at all
    fc.tuple(name, text(3), text(3)).map(([n, a, b]) => `${n}=${a}=${b}`),
  );
  const queryString = fc.array(segment, { maxLength: 14 }).map((segments) => segments.join('&'));

  it('agrees on random query strings: aliases in any order, repeats, empties, encodings', () => {
    const defaults = fc.dictionary(fc.constantFrom(...SUB_KEYS), fc.string({ minLength: 1, maxLength: 4 }));
    fc.assert(
      fc.property(queryString, defaults, (q, d) => {
        expect(parseClickParams(q, d)).toEqual(specParse(q, d));
      }),
      { numRuns: 3_000 },
    );
  });

  it('reads no further than querystring.parse does (its first 1 000 pairs)', () => {
    for (const filler of ['x=1', '', 'x']) {
      for (const count of [998, 999, 1_000]) {
        const q = `${Array(count).fill(filler).join('&')}&sub1=late&cid=late`;
        expect(parseClickParams(q, {})).toEqual(specParse(q, {}));
      }
    }
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
