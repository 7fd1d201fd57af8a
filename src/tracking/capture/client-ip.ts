// The visitor's address: the socket peer, unless that peer is one of our own reverse proxies, in
// which case X-Forwarded-For is walked from the right (the hops our proxies appended) to the first
// address that is not a trusted proxy. Everything left of that could be typed by the visitor.
import type { BlockList } from 'node:net';
import { isIP } from 'node:net';
import { ipInList, normalizeIp } from '../../shared/cidr.ts';

/** "1.2.3.4", "1.2.3.4:567", "[::1]:80" or "::1" → the bare address, or null when it is not one. */
function parseHop(raw: string): string | null {
  let hop = raw.trim();
  if (hop.startsWith('[')) {
    const end = hop.indexOf(']');
    hop = end > 0 ? hop.slice(1, end) : hop;
  } else if (hop.indexOf(':') > 0 && hop.indexOf(':') === hop.lastIndexOf(':')) {
    hop = hop.slice(0, hop.indexOf(':')); // IPv4 with a port
  }
  return isIP(hop) ? normalizeIp(hop) : null;
}

export function resolveClientIp(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedProxies: BlockList | undefined,
): string | null {
  if (!socketAddress) return null;
  let client = normalizeIp(socketAddress);
  if (!trustedProxies || forwardedFor === undefined || !ipInList(trustedProxies, client)) return client;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseHop(hops[i]);
    // A hop that is not an address cannot be believed, and nothing left of it either.
    if (hop === null) break;
    client = hop;
    if (!ipInList(trustedProxies, hop)) break;
  }
  return client;
}
