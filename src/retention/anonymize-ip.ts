import { isIP } from 'node:net';
import { normalizeIp } from '../shared/cidr.ts';

/** The network part of an address: IPv4 to its /24, IPv6 to its /48; anything else is dropped. */
export function anonymizeIp(ip: string | null): string | null {
  if (ip === null) return null;
  const address = normalizeIp(ip.trim());
  const family = isIP(address);
  if (family === 4) return `${address.slice(0, address.lastIndexOf('.'))}.0`;
  if (family !== 6) return null;
  const [head, tail = ''] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  // Only the first three groups are kept; a "::" inside them stands for zero groups.
  const groups = address.includes('::')
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  const keep = groups.slice(0, 3).map((g) => (Number.parseInt(g || '0', 16) || 0).toString(16));
  return `${keep.join(':')}::`;
}
