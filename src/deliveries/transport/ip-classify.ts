// Which kind of network an IP address belongs to, for the SSRF guard. Unknown or malformed input
// is 'reserved' so the guard fails closed.
import { isIP } from 'node:net';

export type AddressClass =
  | 'public'
  | 'private'
  | 'loopback'
  | 'link_local'
  | 'cgnat'
  | 'multicast'
  | 'documentation'
  | 'reserved'
  | 'unspecified';

type V4Range = readonly [base: number, prefix: number, kind: AddressClass];

// Order matters only for overlaps: the more specific range comes first.
const V4_RANGES: readonly V4Range[] = [
  [v4('0.0.0.0'), 32, 'unspecified'],
  [v4('0.0.0.0'), 8, 'reserved'], // "this network"
  [v4('10.0.0.0'), 8, 'private'],
  [v4('100.64.0.0'), 10, 'cgnat'],
  [v4('127.0.0.0'), 8, 'loopback'],
  [v4('169.254.0.0'), 16, 'link_local'],
  [v4('172.16.0.0'), 12, 'private'],
  [v4('192.0.0.0'), 24, 'reserved'], // IETF protocol assignments
  [v4('192.0.2.0'), 24, 'documentation'],
  [v4('192.88.99.0'), 24, 'reserved'], // deprecated 6to4 relay anycast
  [v4('192.168.0.0'), 16, 'private'],
  [v4('198.18.0.0'), 15, 'reserved'], // benchmarking
  [v4('198.51.100.0'), 24, 'documentation'],
  [v4('203.0.113.0'), 24, 'documentation'],
  [v4('224.0.0.0'), 4, 'multicast'],
  [v4('240.0.0.0'), 4, 'reserved'], // includes 255.255.255.255 (broadcast)
];

function v4(text: string): number {
  return text.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function inV4(ip: number, base: number, prefix: number): boolean {
  if (prefix === 0) return true;
  const size = 2 ** (32 - prefix);
  return Math.floor(ip / size) === Math.floor(base / size);
}

function classifyV4(ip: number): AddressClass {
  for (const [base, prefix, kind] of V4_RANGES) if (inV4(ip, base, prefix)) return kind;
  return 'public';
}

/** Eight 16-bit groups, or null when the text is not an IPv6 address (input already passed isIP). */
function parseV6(text: string): number[] | null {
  // A trailing dotted quad (::ffff:1.2.3.4) becomes two hex groups so one parser handles both forms.
  const hex = text.replace(/(\d+\.\d+\.\d+\.\d+)$/, (quad) => {
    const n = v4(quad);
    return `${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  });
  const toGroups = (s: string) => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
  const halves = hex.split('::');
  if (halves.length === 1) {
    const groups = toGroups(hex);
    return groups.length === 8 ? groups : null;
  }
  const left = toGroups(halves[0]);
  const right = toGroups(halves[1]);
  const zeros = 8 - left.length - right.length;
  return zeros < 0 ? null : [...left, ...new Array<number>(zeros).fill(0), ...right];
}

function groupsToV4(hi: number, lo: number): number {
  return hi * 65536 + lo;
}

function startsWith(groups: number[], prefix: readonly number[], bits: number): boolean {
  for (let i = 0; bits > 0; i++, bits -= 16) {
    const take = Math.min(16, bits);
    const shift = 16 - take;
    if (groups[i] >> shift !== prefix[i] >> shift) return false;
  }
  return true;
}

function worstOf(...kinds: AddressClass[]): AddressClass {
  return kinds.find((k) => k !== 'public') ?? 'public';
}

function classifyV6(g: number[]): AddressClass {
  const allZeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (allZeroUpTo(7) && g[7] === 0) return 'unspecified';
  if (allZeroUpTo(7) && g[7] === 1) return 'loopback';
  // IPv4-mapped ::ffff:a.b.c.d and SIIT ::ffff:0:a.b.c.d carry an IPv4 destination.
  if (allZeroUpTo(5) && g[5] === 0xffff) return classifyV4(groupsToV4(g[6], g[7]));
  if (allZeroUpTo(4) && g[4] === 0xffff && g[5] === 0) return classifyV4(groupsToV4(g[6], g[7]));
  if (startsWith(g, [0x64, 0xff9b, 0, 0, 0, 0], 96)) return classifyV4(groupsToV4(g[6], g[7])); // NAT64
  if (startsWith(g, [0x64, 0xff9b, 1], 48)) return 'private'; // local-use NAT64
  if (startsWith(g, [0x2002], 16)) return classifyV4(groupsToV4(g[1], g[2])); // 6to4
  if (startsWith(g, [0x2001, 0], 32)) {
    // Teredo: server IPv4 in clear, client IPv4 inverted; either could be aimed inward.
    const server = classifyV4(groupsToV4(g[2], g[3]));
    const client = classifyV4(groupsToV4(g[6] ^ 0xffff, g[7] ^ 0xffff));
    return worstOf(server, client);
  }
  if (startsWith(g, [0x2001, 0x0db8], 32)) return 'documentation';
  if (startsWith(g, [0x3fff], 20)) return 'documentation';
  if (startsWith(g, [0x2001, 0x0002, 0], 48)) return 'reserved'; // benchmarking
  if (startsWith(g, [0x2001, 0x0010], 28)) return 'reserved'; // deprecated ORCHID
  if (startsWith(g, [0xff00], 8)) return 'multicast';
  if (startsWith(g, [0xfe80], 10)) return 'link_local';
  if (startsWith(g, [0xfec0], 10)) return 'private'; // deprecated site-local
  if (startsWith(g, [0xfc00], 7)) return 'private'; // unique local
  // Only 2000::/3 is allocated global unicast; everything else (::/8, 100::/64…) is not a target.
  if (startsWith(g, [0x2000], 3)) return 'public';
  return 'reserved';
}

export function classifyAddress(ip: string): AddressClass {
  const text = ip
    .trim()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '');
  const family = isIP(text);
  if (family === 4) return classifyV4(v4(text));
  if (family !== 6) return 'reserved';
  const groups = parseV6(text.toLowerCase());
  return groups ? classifyV6(groups) : 'reserved';
}
