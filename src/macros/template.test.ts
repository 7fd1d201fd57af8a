import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleMacroValues } from './macro-catalogue.ts';
import { compiledTemplateCacheSize, compileTemplate, type MacroValues, renderTemplate } from './template.ts';

const conversion: MacroValues = {
  click_id: '12345',
  external_id: 'YOUR_CLICK_ID_789',
  payout: '0.50',
  country: 'US',
  goal: 'install',
  sub1: 'abc-click',
  sub2: 'story',
  conversion_id: 'cnv_1',
};

describe('seed templates render byte for byte', () => {
  it('MaxPPI {macro}', () => {
    expect(
      renderTemplate(
        'https://yourdomain.com/postback?click_id={external_id}&payout={payout}&country={country}',
        conversion,
      ),
    ).toBe('https://yourdomain.com/postback?click_id=YOUR_CLICK_ID_789&payout=0.50&country=US');
  });

  it('CIPIAI {{macro}}', () => {
    expect(
      renderTemplate(
        'https://yourtracker.com/postback?click_id={{click_id}}&payout={{payout}}&goal_status={{goal_status}}',
        conversion,
      ),
    ).toBe('https://yourtracker.com/postback?click_id=12345&payout=0.50&goal_status=install');
  });

  it('Inflektion {sub1} / {payout_amount} / {conversion_id}', () => {
    expect(
      renderTemplate(
        'https://yourserver.com/postback?click_id={sub1}&payout={payout_amount}&txn={conversion_id}',
        conversion,
      ),
    ).toBe('https://yourserver.com/postback?click_id=abc-click&payout=0.50&txn=cnv_1');
  });

  it('CAKE #macro#: #sub2# renders, #s2# (not ours) stays as written', () => {
    expect(renderTemplate('https://t.example/p?a=#sub2#&b=#s2#&c=#payout#', conversion)).toBe(
      'https://t.example/p?a=story&b=#s2#&c=0.50',
    );
  });

  it('Prosper202 [[macro]]', () => {
    expect(renderTemplate('https://p.example/?subid=[[sub1]]&amt=[[payout]]', conversion)).toBe(
      'https://p.example/?subid=abc-click&amt=0.50',
    );
  });
});

describe('parsing', () => {
  it('records each macro use with its syntax, name, canonical and modifier', () => {
    const { macros } = compileTemplate('a={{ click_id }}&b=#geo#&c=[[p1]]&d={_sub2}&e={ip:hash}&f={nope}');
    expect(macros).toEqual([
      { raw: '{{ click_id }}', name: 'click_id', canonical: 'click_id', syntax: '{{}}' },
      { raw: '#geo#', name: 'geo', canonical: 'country', syntax: '##' },
      { raw: '[[p1]]', name: 'p1', canonical: 'sub1', syntax: '[[]]' },
      { raw: '{_sub2}', name: 'sub2', canonical: 'sub2', modifier: 'raw', syntax: '{}' },
      { raw: '{ip:hash}', name: 'ip', canonical: 'ip', modifier: 'hash', syntax: '{}' },
      { raw: '{nope}', name: 'nope', canonical: undefined, syntax: '{}' },
    ]);
  });

  it('leaves URL fragments, JSON braces and other-tool syntaxes literal', () => {
    const values = { payout: '1', sub1: 'S' };
    for (const template of [
      'https://a.com/page#top',
      'https://a.com/#/route#',
      'https://a.com/?x=#1#',
      '{"a":1}',
      '{ "a": {"b": [1, 2]} }',
      '[NAME] %sub1% $sub1 [sub1] {sub-1} {date:Y-m-d} {sub1:} #sub 1#',
      '',
    ]) {
      expect(renderTemplate(template, values), template).toBe(template);
      expect(compileTemplate(template).macros.filter((m) => m.canonical !== undefined)).toEqual([]);
    }
  });

  it('does not treat $-brace as a syntax of its own: the {x} inside is an ordinary macro', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text is what is tested
    expect(renderTemplate('a=${sub1}', { sub1: 'v' })).toBe('a=$v');
  });

  it('keeps a fragment after a macro and lets an unknown #x# close into the next macro', () => {
    expect(renderTemplate('https://a.com/?s=#sub1##top', { sub1: 'v' })).toBe('https://a.com/?s=v#top');
    expect(renderTemplate('#a#sub1#', { sub1: 'v' })).toBe('#av');
  });

  it('handles braces around macros', () => {
    expect(renderTemplate('{{{sub1}}}', { sub1: 'v' })).toBe('{v}');
    expect(renderTemplate('{x{sub1}}', { sub1: 'v' })).toBe('{xv}');
  });

  it('leaves unknown names and unknown modifiers exactly as written', () => {
    const template = 'a={payot}&b={{clik_id}}&c=[[subb1]]&d={payout:bogus}&e={_nothing}&f={payout}';
    expect(renderTemplate(template, { payout: '2' })).toBe(
      'a={payot}&b={{clik_id}}&c=[[subb1]]&d={payout:bogus}&e={_nothing}&f=2',
    );
  });

  it('renders a known macro without a value as empty', () => {
    expect(renderTemplate('a={sub1}&b={{sub2}}&c=#sub3#&d=[[sub4]]&e={sub5:hash}', { sub1: null })).toBe(
      'a=&b=&c=&d=&e=',
    );
  });

  it('returns the same compilation for the same text and keeps the cache bounded', () => {
    expect(compileTemplate('x={sub1}')).toBe(compileTemplate('x={sub1}'));
    for (let i = 0; i < 1_200; i++) compileTemplate(`https://a.com/?n=${i}&s={sub1}`);
    expect(compiledTemplateCacheSize()).toBeLessThanOrEqual(1_000);
    expect(renderTemplate('https://a.com/?n=3&s={sub1}', { sub1: 'ok' })).toBe('https://a.com/?n=3&s=ok');
  });
});

describe('encodings', () => {
  const tricky = "a&b=c?d#e f/ü€😀!'()*~+%";

  it('url: RFC 3986 percent-encoding', () => {
    expect(renderTemplate('?v={sub1}', { sub1: tricky })).toBe(
      '?v=a%26b%3Dc%3Fd%23e%20f%2F%C3%BC%E2%82%AC%F0%9F%98%80%21%27%28%29%2A~%2B%25',
    );
  });

  it('url: every value encodes as RFC 3986 spells it, plain ones included', () => {
    // The rule written out: percent-encode every UTF-8 byte except A-Z a-z 0-9 - . _ ~.
    const rfc3986 = (value: string) =>
      [...Buffer.from(value, 'utf8')]
        .map((b) =>
          /[\w.~-]/.test(String.fromCharCode(b)) && b < 0x80
            ? String.fromCharCode(b)
            : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
        )
        .join('');
    const plain = fc.stringMatching(/^[\w.~-]*$/);
    fc.assert(
      fc.property(fc.oneof(plain, fc.string({ unit: 'grapheme' }), fc.string()), (value) => {
        expect(renderTemplate('{sub1}', { sub1: value })).toBe(rfc3986(value));
      }),
      { numRuns: 2_000 },
    );
  });

  it('url: knows when a rendering can only be visible ASCII, and is right about it', () => {
    expect(
      compileTemplate('https://a.com/?c={click_id}&s={sub1:hash}&u={sub2:upper}').urlIsVisibleAscii,
    ).toBe(true);
    expect(compileTemplate('https://a.com/?s={sub1:raw}').urlIsVisibleAscii).toBe(false);
    expect(compileTemplate('https://a.com/ü?s={sub1}').urlIsVisibleAscii).toBe(false);
    expect(compileTemplate('https://a.com/a b').urlIsVisibleAscii).toBe(false);
    const modifier = fc.constantFrom('', ':hash', ':upper', ':lower', ':urlencode', ':md5', ':raw');
    const literal = fc.string({ maxLength: 8 }).map((text) => text.replace(/[{}#[\]]/g, ''));
    fc.assert(
      fc.property(
        literal,
        modifier,
        literal,
        fc.string({ unit: 'grapheme' }),
        (before, mod, after, value) => {
          const template = compileTemplate(`${before}{sub1${mod}}${after}`);
          const rendered = template.render({ sub1: value }, 'url');
          if (template.urlIsVisibleAscii) expect(rendered).toMatch(/^[\x21-\x7e]*$/);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('form: application/x-www-form-urlencoded, as URLSearchParams writes it', () => {
    const rendered = renderTemplate('v={sub1}', { sub1: tricky }, 'form');
    expect(rendered).toBe(new URLSearchParams({ v: tricky }).toString());
    expect(rendered).toContain('e+f');
  });

  it('json: escaped inside a string literal, no quotes added', () => {
    const value = 'say "hi"\\ back\nline\ttab\u0001 ü 😀 </script>';
    const rendered = renderTemplate('{"v":"{sub1}"}', { sub1: value }, 'json');
    expect(rendered).toBe('{"v":"say \\"hi\\"\\\\ back\\nline\\ttab\\u0001 ü 😀 </script>"}');
    expect(JSON.parse(rendered)).toEqual({ v: value });
  });

  it('raw: as is', () => {
    expect(renderTemplate('{sub1}', { sub1: tricky }, 'raw')).toBe(tricky);
  });

  it('renders numbers', () => {
    expect(renderTemplate('{"amount":{payout},"n":"{sub1}"}', { payout: 0.5, sub1: 3 }, 'json')).toBe(
      '{"amount":0.5,"n":"3"}',
    );
  });

  it('renders a JSON body template that parses back', () => {
    const values = sampleMacroValues();
    const body = renderTemplate(
      '{"click":"{click_id}","amount":{payout},"ua":"{{user_agent}}","meta":{"geo":"#geo#"}}',
      values,
      'json',
    );
    expect(JSON.parse(body)).toEqual({
      click: values.click_id,
      amount: 0.5,
      ua: values.user_agent,
      meta: { geo: 'US' },
    });
  });
});

describe('modifiers', () => {
  const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
  const values = { sub1: 'A b&c', ip: '203.0.113.7' };

  it('raw ({_x} and {x:raw}) skips encoding in every syntax', () => {
    for (const t of ['{_sub1}', '{sub1:raw}', '{{sub1:raw}}', '#sub1:raw#', '[[_sub1]]']) {
      expect(renderTemplate(t, values), t).toBe('A b&c');
      expect(renderTemplate(t, values, 'json'), t).toBe('A b&c');
    }
  });

  it('hash is sha256 hex; md5, sha1, sha256 as named', () => {
    expect(renderTemplate('{ip:hash}', values)).toBe(sha256('203.0.113.7'));
    expect(renderTemplate('{ip:sha256}', values)).toBe(sha256('203.0.113.7'));
    expect(renderTemplate('{ip:SHA1}', values)).toBe(createHash('sha1').update('203.0.113.7').digest('hex'));
    expect(renderTemplate('{ip:md5}', values)).toBe(createHash('md5').update('203.0.113.7').digest('hex'));
  });

  it('upper and lower change case and still encode; urlencode encodes once whatever the encoding', () => {
    expect(renderTemplate('{sub1:upper}', values)).toBe('A%20B%26C');
    expect(renderTemplate('{sub1:lower}', values, 'form')).toBe('a+b%26c');
    expect(renderTemplate('{sub1:urlencode}', values, 'raw')).toBe('A%20b%26c');
    expect(renderTemplate('{sub1:urlencode}', values, 'url')).toBe('A%20b%26c');
  });
});

describe('round trips (property)', () => {
  const anyText = fc.string({ unit: 'binary', maxLength: 40 });

  it('url-encoded ?a={sub1} parses back with URLSearchParams', () => {
    fc.assert(
      fc.property(anyText, (value) => {
        const rendered = renderTemplate('?a={sub1}&b=1', { sub1: value });
        const params = new URLSearchParams(rendered);
        expect(params.get('a')).toBe(value);
        expect(params.get('b')).toBe('1');
      }),
      { numRuns: 500 },
    );
  });

  it('form-encoded bodies parse back with URLSearchParams', () => {
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        const rendered = renderTemplate('x={sub1}&y={{sub2}}', { sub1: a, sub2: b }, 'form');
        expect(Object.fromEntries(new URLSearchParams(rendered))).toEqual({ x: a, y: b });
      }),
      { numRuns: 300 },
    );
  });

  it('JSON bodies parse back with JSON.parse', () => {
    fc.assert(
      fc.property(
        anyText,
        anyText,
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (click, sub, payout) => {
          const rendered = renderTemplate(
            '{"click":"{click_id}","sub":"[[sub1]]","amount":{payout}}',
            { click_id: click, sub1: sub, payout },
            'json',
          );
          const parsed = JSON.parse(rendered);
          expect(parsed.click).toBe(click);
          expect(parsed.sub).toBe(sub);
          expect(parsed.amount === payout).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
