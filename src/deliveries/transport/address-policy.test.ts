import { describe, expect, it } from 'vitest';
import {
  type AddressClass,
  checkTargetUrl,
  classifyAddress,
  isAddressAllowed,
  type LookupAll,
} from './address-policy.ts';
import { createGuardedLookup } from './guarded-lookup.ts';

const CLASSES: Array<[string, AddressClass]> = [
  // IPv4
  ['8.8.8.8', 'public'],
  ['93.184.215.14', 'public'],
  ['1.1.1.1', 'public'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'reserved'],
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.254', 'private'],
  ['172.32.0.1', 'public'],
  ['192.168.1.1', 'private'],
  ['127.0.0.1', 'loopback'],
  ['127.255.0.9', 'loopback'],
  ['169.254.169.254', 'link_local'],
  ['100.64.0.1', 'cgnat'],
  ['100.127.255.255', 'cgnat'],
  ['100.128.0.1', 'public'],
  ['192.0.0.8', 'reserved'],
  ['192.0.2.10', 'documentation'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.200', 'documentation'],
  ['198.18.0.1', 'reserved'],
  ['198.19.255.255', 'reserved'],
  ['198.20.0.1', 'public'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'reserved'],
  // IPv6
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['2606:4700:4700::1111', 'public'],
  ['2001:4860:4860::8888', 'public'],
  ['fc00::1', 'private'],
  ['fd12:3456:789a::1', 'private'],
  ['fe80::1', 'link_local'],
  ['fe80::1%eth0', 'link_local'],
  ['febf::1', 'link_local'],
  ['ff02::1', 'multicast'],
  ['ff05::1:3', 'multicast'],
  ['2001:db8::1', 'documentation'],
  ['2001:db8:ffff::1', 'documentation'],
  ['100::1', 'reserved'],
  ['4000::1', 'reserved'],
  // IPv4-mapped, dotted and hex forms
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::FFFF:7F00:0001', 'loopback'],
  ['0:0:0:0:0:ffff:10.1.2.3', 'private'],
  ['::ffff:a9fe:a9fe', 'link_local'],
  ['::ffff:8.8.8.8', 'public'],
  ['::ffff:0:127.0.0.1', 'loopback'],
  ['::127.0.0.1', 'reserved'],
  // NAT64
  ['64:ff9b::7f00:1', 'loopback'],
  ['64:ff9b::192.168.0.1', 'private'],
  ['64:ff9b::808:808', 'public'],
  ['64:ff9b:1::1', 'private'],
  // 6to4
  ['2002:7f00:1::', 'loopback'],
  ['2002:a00:1::1', 'private'],
  ['2002:808:808::1', 'public'],
  // Teredo: server 65.54.227.120 (public); client is the inverted last 32 bits
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'documentation'], // RFC 4380's example: client 192.0.2.45
  ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', 'public'], // client 8.8.8.8
  ['2001:0:4136:e378:0:0:80ff:fffe', 'loopback'], // client ~7f00:0001 = 127.0.0.1
  ['2001:0:7f00:1::', 'loopback'], // server 127.0.0.1
  // garbage fails closed
  ['not-an-ip', 'reserved'],
  ['999.1.1.1', 'reserved'],
];

describe('classifyAddress', () => {
  it('has a wide table', () => expect(CLASSES.length).toBeGreaterThanOrEqual(40));

  it.each(CLASSES)('%s is %s', (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });
});

describe('isAddressAllowed', () => {
  const strict = { allowPrivateTargets: false, allowedTargets: [] };
  const blocked = CLASSES.filter(([, kind]) => kind !== 'public').map(([ip]) => ip);
  const allowed = CLASSES.filter(([, kind]) => kind === 'public').map(([ip]) => ip);

  it.each(blocked)('blocks %s by default', (ip) => expect(isAddressAllowed(ip, strict)).toBe(false));
  it.each(allowed)('allows %s by default', (ip) => expect(isAddressAllowed(ip, strict)).toBe(true));

  it('lets private targets through with the switch, but never unspecified or multicast', () => {
    const dev = { allowPrivateTargets: true, allowedTargets: [] };
    expect(isAddressAllowed('127.0.0.1', dev)).toBe(true);
    expect(isAddressAllowed('10.0.0.5', dev)).toBe(true);
    expect(isAddressAllowed('0.0.0.0', dev)).toBe(false);
    expect(isAddressAllowed('224.0.0.1', dev)).toBe(false);
  });

  it('honours allow-listed CIDRs (also for the mapped form) and hostnames', () => {
    const policy = {
      allowPrivateTargets: false,
      allowedTargets: ['127.0.0.1/32', 'fd00::/8', 'hooks.internal', '*.lan'],
    };
    expect(isAddressAllowed('127.0.0.1', policy)).toBe(true);
    expect(isAddressAllowed('::ffff:127.0.0.1', policy)).toBe(true);
    expect(isAddressAllowed('127.0.0.2', policy)).toBe(false);
    expect(isAddressAllowed('fd00::5', policy)).toBe(true);
    expect(isAddressAllowed('10.0.0.1', policy, 'hooks.internal')).toBe(true);
    expect(isAddressAllowed('10.0.0.1', policy, 'HOOKS.internal.')).toBe(true);
    expect(isAddressAllowed('10.0.0.1', policy, 'printer.lan')).toBe(true);
    expect(isAddressAllowed('10.0.0.1', policy, 'evil.example')).toBe(false);
  });
});

function resolverOf(table: Record<string, string[]>): LookupAll {
  return (host, _options, callback) => {
    const addresses = table[host];
    if (!addresses) {
      const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return callback(err, []);
    }
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };
}

describe('checkTargetUrl', () => {
  const strict = { allowPrivateTargets: false, allowedTargets: [] };
  const dns = resolverOf({
    'good.example': ['93.184.215.14', '2606:4700::1'],
    'rebind.example': ['93.184.215.14', '127.0.0.1'],
    'meta.example': ['169.254.169.254'],
  });

  it('accepts a host whose every address is public', async () => {
    expect(await checkTargetUrl('https://good.example/pb?x=1', strict, dns)).toEqual({ ok: true });
    expect(await checkTargetUrl('http://8.8.8.8/pb', strict, dns)).toEqual({ ok: true });
  });

  it.each([
    ['http://rebind.example/', /127\.0\.0\.1.*loopback/],
    ['http://meta.example/latest', /link_local/],
    ['http://127.0.0.1:8080/', /loopback/],
    ['http://[::ffff:7f00:1]/', /loopback/],
    ['http://[fd00::1]/', /private/],
    ['ftp://good.example/', /scheme/],
    ['not a url', /valid/],
    ['http://missing.example/', /does not resolve.*ENOTFOUND/],
  ])('refuses %s with a reason', async (url, reason) => {
    const result = await checkTargetUrl(url, strict, dns);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.reason).toMatch(reason);
  });

  it('accepts loopback when allow-listed', async () => {
    const policy = { allowPrivateTargets: false, allowedTargets: ['127.0.0.0/8'] };
    expect(await checkTargetUrl('http://127.0.0.1:3000/x', policy, dns)).toEqual({ ok: true });
  });
});

describe('createGuardedLookup', () => {
  const strict = { allowPrivateTargets: false, allowedTargets: [] };
  const lookup = createGuardedLookup(
    strict,
    resolverOf({ 'rebind.example': ['127.0.0.1', '93.184.215.14', '::1'] }),
  );
  const call = (all: boolean) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
      lookup('rebind.example', { all }, (err, address) => resolve({ err, address })),
    );

  it('hands the socket only the allowed addresses, in both result shapes', async () => {
    expect(await call(true)).toEqual({ err: null, address: [{ address: '93.184.215.14', family: 4 }] });
    expect(await call(false)).toEqual({ err: null, address: '93.184.215.14' });
  });

  it('fails with ERR_ADDRESS_REFUSED when nothing is allowed', async () => {
    const onlyLoopback = createGuardedLookup(strict, resolverOf({ 'x.example': ['127.0.0.1'] }));
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      onlyLoopback('x.example', { all: true }, (e) => resolve(e)),
    );
    expect(err?.code).toBe('ERR_ADDRESS_REFUSED');
  });
});
