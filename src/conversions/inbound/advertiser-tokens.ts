// Finds the advertiser a postback token belongs to. Each token is read on its own through the
// unique index on advertisers.postback_token, so a token we do not know costs one single-row read,
// never a read of every advertiser. Answers, found or not, are cached per token digest for a short
// while in a bounded map; 'catalog.changed' clears it, so a rotation or a new advertiser on this
// node counts at once, and on other nodes within the cache's lifetime. A network slug
// (`/postback?network=…`) is resolved the same way, through the unique index on advertisers.network,
// in the same cache under its own key: naming a network costs what naming a token costs.
import { createHash } from 'node:crypto';
import type { BlockList } from 'node:net';
import type { AppContext } from '../../server/app-context.ts';
import { CidrError, parseCidrList } from '../../shared/cidr.ts';
import {
  type AdvertiserCredentialsRow,
  findAdvertiserCredentialsByNetwork,
  findAdvertiserCredentialsByToken,
} from '../conversion.repository.ts';
import type { Status } from '../conversion.table.ts';
import { NETWORK_SLUG } from './names/inbound-params.ts';
import type { PresetSignature } from './names/inbound-presets.ts';
import {
  compileFieldNames,
  effectiveParameterMap,
  type FieldNames,
  parseParameterMap,
  presetSignature,
  presetStatusMap,
} from './names/parameter-map.ts';
import { parseStatusMap } from './status-crosswalk.ts';

export interface InboundAdvertiser {
  id: number;
  /** null = any source; 'invalid' = the stored list cannot be read, so nobody is let in. */
  allowlist: BlockList | null | 'invalid';
  statusMap: ReadonlyMap<string, Status>;
  /** SHA-256 of the postback token: a network's hit proves itself by sending the token. */
  tokenDigest: Buffer;
  /** The advertiser's own names per field; undefined = the alias table as is. */
  fieldNames: FieldNames | undefined;
  /** How its network signs callbacks, and with what secret; secret null = none configured. */
  signature: { spec: PresetSignature; secret: string | null } | undefined;
}

/** How long a known token's credentials are trusted (a rotation on another node shows this late). */
const KNOWN_TTL_MS = 5_000;
/** Shorter for unknown tokens: an advertiser created on another node works after at most this. */
const UNKNOWN_TTL_MS = 1_000;
/** Tokens cached at most; a flood of made-up tokens pushes out the oldest answers, nothing more. */
const MAX_CACHED_TOKENS = 10_000;

const digestOf = (token: string) => createHash('sha256').update(token, 'utf8').digest('base64');
export const tokenDigestOf = (token: string) => createHash('sha256').update(token, 'utf8').digest();

function toInboundAdvertiser(row: AdvertiserCredentialsRow): InboundAdvertiser {
  const preset = row.parameter_preset;
  const spec = presetSignature(preset);
  return {
    id: Number(row.id),
    allowlist: parseAllowlist(row.ip_allowlist),
    statusMap: parseStatusMap(row.status_map, presetStatusMap(preset)),
    tokenDigest: tokenDigestOf(row.postback_token),
    fieldNames: compileFieldNames(effectiveParameterMap(preset, parseParameterMap(row.parameter_map))),
    signature: spec && { spec, secret: row.signature_secret },
  };
}

function parseAllowlist(json: string): InboundAdvertiser['allowlist'] {
  try {
    const list: unknown = JSON.parse(json || '[]');
    if (!Array.isArray(list) || !list.every((e) => typeof e === 'string')) return 'invalid';
    return list.length === 0 ? null : parseCidrList(list);
  } catch (error) {
    if (error instanceof CidrError || error instanceof SyntaxError) return 'invalid';
    throw error;
  }
}

export interface AdvertiserTokens {
  resolve(token: string): Promise<InboundAdvertiser | undefined>;
  /** The advertiser a `network=` slug names; a slug that cannot be one is answered without a read. */
  resolveNetwork(slug: string): Promise<InboundAdvertiser | undefined>;
}

interface Cached {
  advertiser: InboundAdvertiser | undefined;
  expiresAt: number;
}

export function createAdvertiserTokens(ctx: AppContext): AdvertiserTokens {
  // Keyed by digest so the map never holds a token, and in insertion order so the oldest goes first.
  const cache = new Map<string, Cached>();
  // Concurrent postbacks with the same token share one read.
  const reading = new Map<string, Promise<InboundAdvertiser | undefined>>();
  let generation = 0;
  ctx.events.on('catalog.changed', () => {
    cache.clear();
    reading.clear();
    generation += 1;
  });

  async function read(
    key: string,
    load: () => Promise<AdvertiserCredentialsRow | undefined>,
  ): Promise<InboundAdvertiser | undefined> {
    const startedIn = generation;
    const row = await load();
    const advertiser = row && toInboundAdvertiser(row);
    // A read that raced a catalog change may predate it: answer with it, but do not keep it.
    if (startedIn === generation) {
      if (cache.size >= MAX_CACHED_TOKENS) cache.delete(cache.keys().next().value as string);
      const ttl = advertiser ? KNOWN_TTL_MS : UNKNOWN_TTL_MS;
      cache.set(key, { advertiser, expiresAt: Date.now() + ttl });
    }
    return advertiser;
  }

  // One cached lookup either way; `byNetwork` picks the unique index the read goes through.
  function lookUp(key: string, byNetwork: boolean, value: string): Promise<InboundAdvertiser | undefined> {
    const cached = cache.get(key);
    if (cached && cached.expiresAt > Date.now()) return Promise.resolve(cached.advertiser);
    cache.delete(key);
    const shared = reading.get(key);
    if (shared) return shared;
    const load = byNetwork
      ? () => findAdvertiserCredentialsByNetwork(ctx.store.db, value)
      : () => findAdvertiserCredentialsByToken(ctx.store.db, value);
    const pending: Promise<InboundAdvertiser | undefined> = read(key, load).finally(() => {
      if (reading.get(key) === pending) reading.delete(key);
    });
    reading.set(key, pending);
    return pending;
  }

  return {
    resolve(token) {
      if (token === '') return Promise.resolve(undefined);
      return lookUp(digestOf(token), false, token);
    },
    resolveNetwork(slug) {
      if (!NETWORK_SLUG.test(slug)) return Promise.resolve(undefined);
      // A digest is base64 and never holds ':', so the two kinds of key cannot meet.
      return lookUp(`network:${slug}`, true, slug);
    },
  };
}
