import { describe, expect, it } from 'vitest';
import type { AttemptResult } from './outbound.types.ts';
import { explainAttempt } from './receiver-answers.ts';

function result(statusCode: number, extra: Partial<AttemptResult> = {}): AttemptResult {
  const ok = statusCode >= 200 && statusCode < 300;
  return {
    statusCode,
    responseExcerpt: '',
    responseTruncated: false,
    durationMs: 1,
    errorClass: ok ? null : 'http',
    errorMessage: ok ? null : `HTTP ${statusCode}`,
    ...extra,
  };
}

const live = { isTest: false };

describe('explainAttempt', () => {
  it.each([
    [result(200), /delivered/i],
    [result(204), /delivered.*204/i],
    [result(403), /token or our IP/],
    [result(401), /token/],
    [result(404), /path .* wrong/],
    [result(410), /gone.*disabled.*held/i],
    [result(426), /https/],
    [result(429, { retryAfterMs: 30_000 }), /slow down.*30 s/],
    [result(500), /failed.*retried on schedule/i],
    [result(503), /503.*retried/],
    [
      result(308, { location: 'https://elsewhere.example/x' }),
      /308.*redirect to https:\/\/elsewhere.example\/x.*never followed/,
    ],
    [result(302), /redirect.*never followed/],
    [
      result(0, { errorClass: 'timeout', errorMessage: 'no complete answer within 15000 ms' }),
      /no answer in time.*15000/i,
    ],
    [result(0, { errorClass: 'dns', errorMessage: 'ENOTFOUND' }), /does not resolve/],
    [result(0, { errorClass: 'connect', errorMessage: 'ECONNREFUSED' }), /connection refused.*ECONNREFUSED/],
    [result(0, { errorClass: 'tls', errorMessage: 'CERT_HAS_EXPIRED' }), /certificate/],
    [
      result(0, { errorClass: 'refused_address', errorMessage: '127.0.0.1 is loopback' }),
      /private, loopback or reserved.*allowed targets/,
    ],
    [result(418), /418/],
  ])('explains %o', (attempt, expected) => {
    expect(explainAttempt(attempt, live)).toMatch(expected);
  });

  it('calls a 400 normal on a test fire (no real click id) but not on a live postback', () => {
    expect(explainAttempt(result(400), { isTest: true })).toMatch(/normal.*real click ids/);
    expect(explainAttempt(result(400), live)).not.toMatch(/normal/);
    expect(explainAttempt(result(400), live)).toMatch(/click id/);
  });
});
