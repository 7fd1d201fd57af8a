// Turns an Authorization header into a Principal. Runs on every API request, so lookups are cached
// briefly in memory; a revocation on this node clears the cache at once, other nodes within the TTL.
import { timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../server/app-context.ts';
import { findApiKeyByHash } from './api-key.repository.ts';
import { hashApiKey } from './api-key.service.ts';
import type { Principal } from './principal.ts';

export const KEY_CACHE_TTL_MS = 10_000;
const MAX_CACHED_KEYS = 10_000;
/** Emitted after a key is created or revoked. */
export const API_KEYS_CHANGED = 'api_keys.changed';

export interface KeyAuthenticator {
  authenticate(authorization: string | undefined): Promise<Principal | undefined>;
  clear(): void;
  close(): void;
}

export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

export function createKeyAuthenticator(ctx: AppContext, ttlMs = KEY_CACHE_TTL_MS): KeyAuthenticator {
  const cache = new Map<string, { principal: Principal | undefined; expiresAt: number }>();
  const adminHash = ctx.config.adminKey ? Buffer.from(hashApiKey(ctx.config.adminKey), 'hex') : undefined;
  const clear = () => cache.clear();
  ctx.events.on(API_KEYS_CHANGED, clear);

  async function lookUp(hash: string): Promise<Principal | undefined> {
    // Compare hashes in constant time so the configured key cannot be guessed byte by byte.
    if (adminHash && timingSafeEqual(adminHash, Buffer.from(hash, 'hex'))) {
      return { role: 'admin', advertiserId: null, publisherId: null, keyId: null };
    }
    const row = await findApiKeyByHash(ctx.store.db, hash);
    if (!row || row.revoked_at !== null) return undefined;
    return { role: row.role, advertiserId: row.advertiser_id, publisherId: row.publisher_id, keyId: row.id };
  }

  return {
    async authenticate(authorization) {
      const token = bearerToken(authorization);
      if (!token || token.length > 200) return undefined;
      const hash = hashApiKey(token);
      const now = ctx.clock.now();
      const cached = cache.get(hash);
      if (cached && cached.expiresAt > now) return cached.principal;
      const principal = await lookUp(hash);
      // Bounded: a flood of random keys must not grow memory without limit.
      if (cache.size >= MAX_CACHED_KEYS) cache.clear();
      cache.set(hash, { principal, expiresAt: now + ttlMs });
      return principal;
    },
    clear,
    close: () => ctx.events.off(API_KEYS_CHANGED, clear),
  };
}
