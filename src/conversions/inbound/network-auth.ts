// How a hit that names its advertiser by `network=` proves it comes from that advertiser. The slug
// is public (it sits in every URL the network stores), so it only says who claims to send: the hit
// must also carry the advertiser's token, or its network's signature made with the secret the
// advertiser configured. The IP allow-list is checked after this, as on the token URL.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { InboundAdvertiser } from './advertiser-tokens.ts';
import { tokenDigestOf } from './advertiser-tokens.ts';
import type { InboundCode } from './inbound-codes.ts';
import type { InboundParams } from './names/inbound-params.ts';
import type { PresetSignature } from './names/inbound-presets.ts';

/** null when the hit is authenticated, else why not. */
export function authenticateNetworkHit(
  advertiser: InboundAdvertiser,
  token: string | undefined,
  params: InboundParams,
): InboundCode | null {
  if (token !== undefined && token.trim() !== '') {
    return timingSafeEqual(tokenDigestOf(token), advertiser.tokenDigest) ? null : 'bad_token';
  }
  const signature = advertiser.signature && params.get(advertiser.signature.spec.param);
  if (!advertiser.signature || !signature) return 'missing_token';
  // The network signs, but nobody gave us its secret: we cannot tell its hits from anyone's.
  if (advertiser.signature.secret === null) return 'signature_not_configured';
  return isSignatureValid(advertiser.signature.spec, advertiser.signature.secret, params, signature)
    ? null
    : 'bad_signature';
}

/** The network's digest of the listed values joined with its secret, compared in constant time. */
export function isSignatureValid(
  spec: PresetSignature,
  secret: string,
  params: InboundParams,
  sent: string,
): boolean {
  const input = [...spec.fields.map((name) => params.get(name) ?? ''), secret].join(spec.separator);
  const expected = createHash(spec.algorithm).update(input, 'utf8').digest();
  const given = /^[0-9a-f]+$/i.test(sent) ? Buffer.from(sent, 'hex') : Buffer.alloc(0);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
