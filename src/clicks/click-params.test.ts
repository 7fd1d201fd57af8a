import { describe, expect, it } from 'vitest';
import { cleanValue, parseClickParams } from './click-params.ts';

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
