// The connect-time SSRF gate. undici hands this lookup to net/tls.connect, so the addresses checked
// here are exactly the ones the socket may use: a resolver that answers a public address first and
// a private one second (DNS rebinding) can never steer a connection inward.
import dns from 'node:dns';
import { type AddressPolicy, describeRefusal, isAddressAllowed, type LookupAll } from './address-policy.ts';

export class AddressRefusedError extends Error {
  readonly code = 'ERR_ADDRESS_REFUSED';
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/** Node's net.connect calls lookup(host, { all?, family, hints }, cb); both result shapes are served. */
export type ConnectLookup = (
  hostname: string,
  options: { all?: boolean; family?: number | string },
  callback: LookupCallback,
) => void;

const systemLookup: LookupAll = (hostname, options, callback) => dns.lookup(hostname, options, callback);

export function createGuardedLookup(policy: AddressPolicy, resolve: LookupAll = systemLookup): ConnectLookup {
  return (hostname, options, callback) => {
    const family = Number(String(options.family ?? 0).replace(/\D/g, '')) || 0;
    const query = family === 4 || family === 6 ? { all: true as const, family } : { all: true as const };
    resolve(hostname, query, (err, addresses) => {
      if (err) return callback(err, []);
      const allowed = addresses.filter((a) => isAddressAllowed(a.address, policy, hostname));
      if (allowed.length === 0) {
        const first = addresses[0]?.address;
        const why = first ? describeRefusal(first) : 'no addresses';
        return callback(new AddressRefusedError(`${hostname}: ${why}`), []);
      }
      if (options.all) return callback(null, allowed);
      callback(null, allowed[0].address, allowed[0].family);
    });
  };
}
