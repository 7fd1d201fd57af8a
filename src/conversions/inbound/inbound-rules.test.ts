// The data tables and pure helpers behind inbound postbacks.
import { describe, expect, it } from 'vitest';
import { parseCidrList } from '../../shared/cidr.ts';
import { canTransition } from '../lifecycle/status-transitions.ts';
import { parseInboundRequest } from './inbound-request.ts';
import { parseAmount, payoutReviewReason } from './inbound-validation.ts';
import { extractInboundFields } from './names/inbound-params.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { resolveRequestSource } from './request-source.ts';
import { mapStatus, parseStatusMap } from './status-crosswalk.ts';

describe('status crosswalk', () => {
  it('maps the words of every network case-insensitively', () => {
    const none = parseStatusMap('{}');
    expect(mapStatus('Hold', none)).toBe('pending');
    expect(mapStatus(' SALE ', none)).toBe('approved');
    expect(mapStatus('-1', none)).toBe('rejected');
    expect(mapStatus('Cancelled', none)).toBe('declined');
    expect(mapStatus('chargeback', none)).toBe('reversed');
    expect(mapStatus('maybe', none)).toBeUndefined();
  });
  it("lets the advertiser's map win and ignores broken entries", () => {
    const affise = parseStatusMap('{"1":"approved","2":"pending","5":"PENDING","OK":"declined","x":"bogus"}');
    expect(mapStatus('5', affise)).toBe('pending');
    expect(mapStatus('ok', affise)).toBe('declined');
    expect(mapStatus('x', affise)).toBeUndefined();
    expect(mapStatus('approved', parseStatusMap('not json'))).toBe('approved');
  });
});

describe('transitions', () => {
  it('allows the lifecycle moves and nothing out of a reversal', () => {
    expect(canTransition('pending', 'approved')).toBe(true);
    expect(canTransition('pending', 'declined')).toBe(true);
    expect(canTransition('approved', 'reversed')).toBe(true);
    expect(canTransition('approved', 'rejected')).toBe(true);
    expect(canTransition('pending', 'reversed')).toBe(false);
    expect(canTransition('approved', 'pending')).toBe(false);
    expect(canTransition('reversed', 'approved')).toBe(false);
  });
});

describe('parameter aliases', () => {
  it('takes the first alias in table order and keeps sale_amount apart', () => {
    const fields = extractInboundFields(
      new Map([
        ['cid', 'c2'],
        ['clickid', 'c1'],
        ['revenue', '5'],
        ['sale_amount', '120'],
        ['oid', 'o1'],
        ['goal_alias', 'install'],
        ['sub3', 'x'],
        ['sub11', 'ignored'],
      ]),
    );
    expect(fields).toMatchObject({
      clickId: 'c1',
      amount: '5',
      saleAmount: '120',
      txnId: 'o1',
      goal: 'install',
    });
    expect(fields.subs).toEqual({ sub3: 'x' });
  });
});

describe('request parsing', () => {
  const source = { ip: '127.0.0.1', scheme: 'http' as const };
  it('lower-cases names, keeps the first value and redacts secrets in the logged URL and body', () => {
    const request = parseInboundRequest({
      method: 'POST',
      url: '/postback?Click_ID=a&click_id=b&Secret=s3cr3t',
      headers: { 'content-type': 'application/json', 'user-agent': 'net/1' },
      body: '{"payout": 2.5, "token": "t0k", "user_id": "u1"}',
      source,
    });
    expect(request.params.get('click_id')).toBe('a');
    expect(request.params.get('payout')).toBe('2.5');
    expect(request.logUrl).toBe('/postback?Click_ID=a&click_id=b&Secret=REDACTED');
    expect(JSON.parse(request.logBody ?? '')).toMatchObject({
      token: 'REDACTED',
      secret: 'REDACTED',
      user_id: 'u1',
    });
    expect(JSON.parse(request.logHeaders)).toMatchObject({ 'user-agent': 'net/1' });
  });
  it('masks secrets in bodies it cannot parse', () => {
    const request = parseInboundRequest({
      method: 'POST',
      url: '/postback',
      headers: { 'content-type': 'application/json' },
      body: '{"secret": "abc", broken',
      source,
    });
    expect(request.bodyError).toBe('invalid_body');
    expect(request.logBody).not.toContain('abc');
  });
});

describe('amounts', () => {
  it('accepts plain decimals only, within bounds', () => {
    expect(parseAmount('3.50')).toBe(3.5);
    expect(parseAmount('0')).toBe(0);
    expect(parseAmount('1000000000')).toBe(1e9);
    for (const bad of ['', '-1', '1e3', 'NaN', 'Infinity', '1,5', '0x10', '1000000001', '{payout}']) {
      expect(parseAmount(bad)).toBeUndefined();
    }
  });
  it('flags amounts beyond the tolerance of the expected revenue', () => {
    expect(payoutReviewReason(5, 3.5, 0.5)).toBeNull();
    expect(payoutReviewReason(350, 3.5, 0.5)).toContain('expected revenue 3.5');
    expect(payoutReviewReason(1, 3.5, 0.5)).not.toBeNull();
    expect(payoutReviewReason(100, 0, 0.5)).toBeNull();
  });
});

describe('rate limiter', () => {
  it('allows the limit per key, then refills over the minute', () => {
    const limiter = createRateLimiter(60);
    for (let i = 0; i < 60; i++) expect(limiter.take('a', 0)).toBe(true);
    expect(limiter.take('a', 0)).toBe(false);
    expect(limiter.take('b', 0)).toBe(true);
    expect(limiter.take('a', 1000)).toBe(true);
    expect(limiter.take('a', 1000)).toBe(false);
    expect(createRateLimiter(0).take('a', 0)).toBe(true);
  });
});

describe('request source', () => {
  const trusted = parseCidrList(['10.0.0.0/8']);
  it('believes forwarding headers only from trusted proxies', () => {
    const headers = { 'x-forwarded-for': '203.0.113.1, 10.0.0.2', 'x-forwarded-proto': 'https' };
    expect(resolveRequestSource('10.0.0.1', false, headers, trusted)).toEqual({
      ip: '203.0.113.1',
      scheme: 'https',
    });
    expect(resolveRequestSource('::ffff:192.0.2.1', false, headers, trusted)).toEqual({
      ip: '192.0.2.1',
      scheme: 'http',
    });
    expect(resolveRequestSource('10.0.0.1', true, { 'x-forwarded-for': 'garbage' }, trusted)).toEqual({
      ip: '10.0.0.1',
      scheme: 'https',
    });
  });
});
