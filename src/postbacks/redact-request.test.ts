import { describe, expect, it } from 'vitest';
import { redactJsonBody, redactUrl, redactUrlEncoded, secretPartsOf } from './redact-request.ts';

describe('redacting a recorded request', () => {
  it('masks well-known secret names by default and the marked ones, whatever their case or encoding', () => {
    const parts = secretPartsOf(['Partner_Key'], []);
    expect(redactUrl('https://t.example/p?a=1&API_KEY=x&partner%5Fkey=y&b=2#frag?key=z', parts)).toBe(
      'https://t.example/p?a=1&API_KEY=REDACTED&partner%5Fkey=REDACTED&b=2#frag?key=z',
    );
    expect(redactUrlEncoded('cid=1&password=p&flag', parts.params)).toBe('cid=1&password=REDACTED&flag');
  });

  it('masks marked path segments by position and leaves the host and missing positions alone', () => {
    const parts = secretPartsOf([], [1, 3, 9]);
    expect(redactUrl('https://t.example/abc/keep/def?x=1', parts)).toBe(
      'https://t.example/REDACTED/keep/REDACTED?x=1',
    );
  });

  it('masks secret keys at any depth of a JSON body and keeps a body without any byte for byte', () => {
    const names = secretPartsOf([], []).params;
    expect(redactJsonBody('{"a":{"token":"t","n":[{"secret":5}]}}', names)).toBe(
      '{"a":{"token":"REDACTED","n":[{"secret":"REDACTED"}]}}',
    );
    expect(redactJsonBody('{ "a": 1 }', names)).toBe('{ "a": 1 }');
    expect(redactJsonBody('not json token=x', names)).toBe('not json token=x');
  });
});
