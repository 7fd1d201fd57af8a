// Finds the advertiser a postback token belongs to. Each token is read on its own through the
// unique index on advertisers.postback_token, so a token we do not know costs one single-row read,
// never a read of every advertiser. Answers, found or not, are cached per token digest for a short
// while in a bounded map; 'catalog.changed' clears it, so a rotation or a new advertiser on this
// node counts at once, and on other nodes within the cache's lifetime.
import { createHash } from 'node:crypto';
import type { BlockList } from 'node:net';
import type { AppContext } from '../../server/app-context.ts';
import { CidrError, parseCidrList } from '../../shared/cidr.ts';
import { findAdvertiserCredentialsByToken } from '../conversion.repository.ts';
import type { Status } from '../conversion.table.ts';
import { parseStatusMap } from './status-crosswalk.ts';

export interface InboundAdvertiser {
  id: number;
  /** null = any source; 'invalid' = the stored list cannot be read, so nobody is let in. */
  allowlist: BlockList | null | 'invalid';
  statusMap: ReadonlyMap<string, Status>;
}

/** How long a known token's credentials are trusted (a rotation on another node shows this late). */
const KNOWN_TTL_MS = 5_000;
/** Shorter for unknown tokens: an advertiser created on another node works after at most this. */
const UNKNOWN_TTL_MS = 1_000;
/** Tokens cached at most; a flood of made-up tokens pushes out the oldest answers, nothing more. */
const MAX_CACHED_TOKENS = 10_000;

const digestOf = (token: string) => createHash('sha256').update(token, 'utf8').digest('base64');

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

  async function read(token: string, digest: string): Promise<InboundAdvertiser | undefined> {
    const startedIn = generation;
    const row = await findAdvertiserCredentialsByToken(ctx.store.db, token);
    const advertiser = row && {
      id: Number(row.id),
      allowlist: parseAllowlist(row.ip_allowlist),
      statusMap: parseStatusMap(row.status_map),
    };
    // A read that raced a catalog change may predate it: answer with it, but do not keep it.
    if (startedIn === generation) {
      if (cache.size >= MAX_CACHED_TOKENS) cache.delete(cache.keys().next().value as string);
      const ttl = advertiser ? KNOWN_TTL_MS : UNKNOWN_TTL_MS;
      cache.set(digest, { advertiser, expiresAt: Date.now() + ttl });
    }
    return advertiser;
  }

  return {
    async resolve(token) {
      if (token === '') return undefined;
      const digest = digestOf(token);
      const cached = cache.get(digest);
      if (cached && cached.expiresAt > Date.now()) return cached.advertiser;
      cache.delete(digest);
      const shared = reading.get(digest);
      if (shared) return shared;
      const pending: Promise<InboundAdvertiser | undefined> = read(token, digest).finally(() => {
        if (reading.get(digest) === pending) reading.delete(digest);
      });
      reading.set(digest, pending);
      return pending;
    },
  };
}
