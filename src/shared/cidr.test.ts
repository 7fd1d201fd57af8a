import { describe, expect, it } from 'vitest';
import { CidrError, ipInList, parseCidrList } from './cidr.ts';

describe('CIDR lists', () => {
  const list = parseCidrList(['10.0.0.0/8', '203.0.113.7', '2001:db8::/32']);

  it('matches IPv4 subnets, single addresses and IPv6 subnets', () => {
    expect(ipInList(list, '10.20.30.40')).toBe(true);
    expect(ipInList(list, '203.0.113.7')).toBe(true);
    expect(ipInList(list, '203.0.113.8')).toBe(false);
    expect(ipInList(list, '2001:db8:1::5')).toBe(true);
    expect(ipInList(list, '2001:db9::1')).toBe(false);
  });

  it('applies IPv4 rules to IPv4-mapped IPv6 addresses', () => {
    expect(ipInList(list, '::ffff:10.1.2.3')).toBe(true);
  });

  it('never matches garbage', () => {
    expect(ipInList(list, 'not-an-ip')).toBe(false);
  });

  it('rejects bad entries by name', () => {
    expect(() => parseCidrList(['10.0.0.0/33'])).toThrow(CidrError);
    expect(() => parseCidrList(['example.com'])).toThrow(/example.com/);
  });
});
