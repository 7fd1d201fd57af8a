// Who sent a request and over what: the socket tells the truth; X-Forwarded-For and
// X-Forwarded-Proto are believed only from our own reverse proxies (config.trustedProxies).
import type { BlockList } from 'node:net';
import { isIP } from 'node:net';
import { ipInList, normalizeIp } from '../../shared/cidr.ts';

export interface RequestSource {
  ip: string | null;
  scheme: 'http' | 'https';
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

// Checking an address against a BlockList allocates and is not cheap; most installs trust no proxy,
// so an empty list is recognised once and skipped.
const emptyLists = new WeakMap<BlockList, boolean>();
function isEmptyList(list: BlockList): boolean {
  let empty = emptyLists.get(list);
  if (empty === undefined) {
    empty = list.rules.length === 0;
    emptyLists.set(list, empty);
  }
  return empty;
}

export function resolveRequestSource(
  socketIp: string | undefined,
  encrypted: boolean,
  headers: Record<string, string | string[] | undefined>,
  trusted: BlockList,
): RequestSource {
  const peer = socketIp ? normalizeIp(socketIp) : null;
  let ip = peer;
  let scheme: 'http' | 'https' = encrypted ? 'https' : 'http';
  if (peer && !isEmptyList(trusted) && ipInList(trusted, peer)) {
    // Walk right to left: the first address that is not one of our proxies is the client.
    const hops = (firstHeader(headers['x-forwarded-for']) ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean);
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = normalizeIp(hops[i]);
      if (isIP(hop) === 0) break;
      ip = hop;
      if (!ipInList(trusted, hop)) break;
    }
    const proto = firstHeader(headers['x-forwarded-proto'])?.split(',')[0]?.trim().toLowerCase();
    if (proto === 'https' || proto === 'http') scheme = proto;
  }
  return { ip, scheme };
}
