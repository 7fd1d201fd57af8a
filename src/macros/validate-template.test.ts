import { describe, expect, it } from 'vitest';
import { editDistance, findUnknownMacros, suggestMacroName } from './validate-template.ts';

describe('findUnknownMacros', () => {
  it('reports a misspelled macro with the nearest known name', () => {
    expect(findUnknownMacros('https://a.com/?p={payot}&c={click_id}')).toEqual([
      { macro: '{payot}', name: 'payot', suggestion: 'payout' },
    ]);
  });

  it('accepts aliases in any case and every syntax', () => {
    expect(
      findUnknownMacros('?a={clickid}&b={{externalId}}&c=#sub2#&d=[[subid_3]]&e={_p4}&f={ip:hash}&g={SUB1}'),
    ).toEqual([]);
  });

  it('reports CAKE #s2# as not ours, pointing at sub2', () => {
    expect(findUnknownMacros('https://t.example/?a=#s2#&b=#sub2#')).toEqual([
      { macro: '#s2#', name: 's2', suggestion: 'sub2' },
    ]);
  });

  it('reports each syntax, once per spelling, with suggestions where something is close', () => {
    expect(
      findUnknownMacros('{{clik_id}}&[[pauyout]]&{_externl_id}&{zzzzzzzz}&{{clik_id}}&#trasaction_id#'),
    ).toEqual([
      { macro: '{{clik_id}}', name: 'clik_id', suggestion: 'click_id' },
      { macro: '[[pauyout]]', name: 'pauyout', suggestion: 'payout' },
      { macro: '{_externl_id}', name: 'externl_id', suggestion: 'external_id' },
      { macro: '{zzzzzzzz}', name: 'zzzzzzzz' },
      { macro: '#trasaction_id#', name: 'trasaction_id', suggestion: 'transaction_id' },
    ]);
  });

  it('reports an unsupported modifier with the nearest supported one', () => {
    expect(findUnknownMacros('{ip:hsah}&{ip:whatever}')).toEqual([
      { macro: '{ip:hsah}', name: 'ip:hsah', suggestion: 'ip:hash' },
      { macro: '{ip:whatever}', name: 'ip:whatever' },
    ]);
  });

  it('ignores text that is not a macro', () => {
    const template = 'https://a.com/page#top?x=[NAME]&y=%sub1%&z=[sub1]&{"a":1}&d={date:Y-m-d}';
    expect(findUnknownMacros(template)).toEqual([]);
  });
});

describe('suggestions', () => {
  it('counts a transposition as one edit', () => {
    expect(editDistance('payuot', 'payout')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('maps names from other tools and refuses far-off ones', () => {
    expect(suggestMacroName('aff_sub')).toBe('sub1');
    expect(suggestMacroName('aff_sub3')).toBe('sub3');
    expect(suggestMacroName('price')).toBe('payout');
    expect(suggestMacroName('cuntry')).toBe('country');
    expect(suggestMacroName('xy')).toBeUndefined();
    expect(suggestMacroName('completely_unrelated_name')).toBeUndefined();
  });
});
