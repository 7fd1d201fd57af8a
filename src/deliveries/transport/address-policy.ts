// SSRF policy: which addresses an outbound postback may connect to. The same rules run at save
// time (checkTargetUrl, for a friendly error) and at connect time (guarded-lookup.ts, the real gate).
import dns from 'node:dns';
import { type BlockList, isIP } from 'node:net';
import { parseCidrList } from '../../shared/cidr.ts';
import { type AddressClass, classifyAddress } from './ip-classify.ts';

export { type AddressClass, classifyAddress } from './ip-classify.ts';

export interface AddressPolicy {
  /** Let loopback/private/reserved targets through (local development and tests). */
  allowPrivateTargets: boolean;
  /** CIDRs ("10.1.0.0/16", "127.0.0.1/32"), bare IPs, hostnames or "*.suffix" wildcards. */
  allowedTargets: readonly string[];
}

/** dns.lookup with { all: true }; injectable so tests can play a hostile resolver. */
export type LookupAll = (
  hostname: string,
  options: { all: true; family?: number },
  callback: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void,
) => void;

// A TCP connection to these can never reach a receiver, whatever the operator allows.
const NEVER_CONNECTABLE: ReadonlySet<AddressClass> = new Set(['unspecified', 'multicast']);

interface ParsedAllowList {
  cidrs: BlockList;
  hostnames: readonly string[];
}

const parsedLists = new WeakMap<readonly string[], ParsedAllowList>();

function parseAllowList(entries: readonly string[]): ParsedAllowList {
  const cached = parsedLists.get(entries);
  if (cached) return cached;
  const isCidr = (e: string) => isIP(e.trim().split('/')[0]) !== 0;
  const parsed = {
    cidrs: parseCidrList(entries.filter(isCidr)),
    hostnames: entries.filter((e) => !isCidr(e)).map((e) => e.trim().toLowerCase().replace(/\.$/, '')),
  };
  parsedLists.set(entries, parsed);
  return parsed;
}

export function isHostnameAllowListed(hostname: string, allowedTargets: readonly string[]): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return parseAllowList(allowedTargets).hostnames.some((entry) =>
    entry.startsWith('*.') ? host.endsWith(entry.slice(1)) : host === entry,
  );
}

function stripBrackets(ip: string): string {
  return ip.replace(/^\[|\]$/g, '');
}

export function isAddressAllowed(ip: string, policy: AddressPolicy, hostname?: string): boolean {
  const address = stripBrackets(ip);
  const family = isIP(address);
  if (family === 0) return false;
  // An explicit CIDR entry is the operator naming this address: it wins over every class.
  const { cidrs } = parseAllowList(policy.allowedTargets);
  if (cidrs.check(address, family === 4 ? 'ipv4' : 'ipv6')) return true;
  const mapped = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : '';
  if (isIP(mapped) === 4 && cidrs.check(mapped, 'ipv4')) return true;
  const kind = classifyAddress(address);
  if (kind === 'public') return true;
  if (NEVER_CONNECTABLE.has(kind)) return false;
  if (policy.allowPrivateTargets) return true;
  return hostname !== undefined && isHostnameAllowListed(hostname, policy.allowedTargets);
}

export function describeRefusal(ip: string): string {
  const kind = classifyAddress(stripBrackets(ip));
  return `${ip} is a refused address (${kind}); private and reserved targets need an allowed-targets entry`;
}

export type TargetCheck = { ok: true } | { ok: false; reason: string };

const defaultLookup: LookupAll = (hostname, options, callback) => dns.lookup(hostname, options, callback);

function resolveAll(hostname: string, lookup: LookupAll): Promise<dns.LookupAddress[]> {
  return new Promise((resolve, reject) =>
    lookup(hostname, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );
}

/** Save-time check: a friendly error now; connect time still enforces the rule after every DNS answer. */
export async function checkTargetUrl(
  url: string,
  policy: AddressPolicy,
  lookup: LookupAll = defaultLookup,
): Promise<TargetCheck> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'not a valid absolute URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, reason: `scheme ${parsed.protocol} is not allowed; use http or https` };
  }
  const host = stripBrackets(parsed.hostname);
  if (host === '') return { ok: false, reason: 'the URL has no host' };
  if (isIP(host) !== 0) {
    return isAddressAllowed(host, policy) ? { ok: true } : { ok: false, reason: describeRefusal(host) };
  }
  if (policy.allowPrivateTargets || isHostnameAllowListed(host, policy.allowedTargets)) return { ok: true };
  let addresses: dns.LookupAddress[];
  try {
    addresses = await resolveAll(host, lookup);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return { ok: false, reason: `the host ${host} does not resolve (${code})` };
  }
  if (addresses.length === 0) return { ok: false, reason: `the host ${host} has no addresses` };
  const refused = addresses.find((a) => !isAddressAllowed(a.address, policy, host));
  return refused
    ? { ok: false, reason: `${host} resolves to ${describeRefusal(refused.address)}` }
    : { ok: true };
}
