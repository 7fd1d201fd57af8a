import { describe, expect, it } from 'vitest';
import { parseCidrList } from '../../shared/cidr.ts';
import { resolveClientIp } from './client-ip.ts';

const proxies = parseCidrList(['10.0.0.0/8', '192.168.1.1', 'fd00::/8']);

describe('resolveClientIp', () => {
  it('uses the socket address when no proxy is trusted or the peer is not one', () => {
    expect(resolveClientIp('::ffff:203.0.113.9', '1.1.1.1', undefined)).toBe('203.0.113.9');
    expect(resolveClientIp('203.0.113.9', '1.1.1.1', proxies)).toBe('203.0.113.9');
  });

  it('walks X-Forwarded-For from the right past trusted proxies', () => {
    expect(resolveClientIp('10.0.0.1', '6.6.6.6, 1.1.1.1, 192.168.1.1', proxies)).toBe('1.1.1.1');
    expect(resolveClientIp('10.0.0.1', ['6.6.6.6', '2001:db8::1'], proxies)).toBe('2001:db8::1');
    expect(resolveClientIp('fd00::5', '[2001:db8::2]:443, 1.2.3.4:5555', proxies)).toBe('1.2.3.4');
  });

  it('stops at a hop that is not an address and keeps the nearest believable one', () => {
    expect(resolveClientIp('10.0.0.1', '1.1.1.1, garbage', proxies)).toBe('10.0.0.1');
    expect(resolveClientIp('10.0.0.1', '10.0.0.2, 10.0.0.3', proxies)).toBe('10.0.0.2');
    expect(resolveClientIp(undefined, '1.1.1.1', proxies)).toBeNull();
  });
});
