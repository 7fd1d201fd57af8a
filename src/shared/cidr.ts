// CIDR lists (IP allow-lists, trusted proxies) on node's BlockList, which handles IPv4 and IPv6.
import { BlockList, isIP } from 'node:net';

export class CidrError extends Error {}

/** Parses "10.0.0.0/8", "2001:db8::/32" or a bare address; throws CidrError naming the bad entry. */
export function parseCidrList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const raw of entries) {
    const entry = raw.trim();
    const [address, prefixText] = entry.split('/');
    const family = isIP(address);
    if (family === 0) throw new CidrError(`"${entry}" is not an IP address or CIDR`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefixText === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const prefix = Number(prefixText);
    if (!/^\d+$/.test(prefixText) || prefix > (family === 4 ? 32 : 128)) {
      throw new CidrError(`"${entry}" has an invalid prefix length`);
    }
    list.addSubnet(address, prefix, type);
  }
  return list;
}

/** Strips an IPv4-mapped IPv6 prefix (::ffff:1.2.3.4) so IPv4 rules apply to it. */
export function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

export function ipInList(list: BlockList, ip: string): boolean {
  const address = normalizeIp(ip);
  const family = isIP(address);
  if (family === 0) return false;
  return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}
