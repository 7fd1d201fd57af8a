// Finds the advertiser a postback token belongs to without leaking the token through timing: the
// lookup is keyed by the token's SHA-256 digest, so how long it takes depends only on the digest,
// which tells nothing about how close a guess is to a real token. Credentials are
// cached briefly (the table is small); 'catalog.changed' clears the cache, and a token we do not
// know triggers a fresh read so a just-created advertiser works at once.
import { createHash } from 'node:crypto';
import type { BlockList } from 'node:net';
import type { AppContext } from '../../server/app-context.ts';
import { CidrError, parseCidrList } from '../../shared/cidr.ts';
import { listAdvertiserCredentials } from '../conversion.repository.ts';
import type { Status } from '../conversion.table.ts';
import { parseStatusMap } from './status-crosswalk.ts';

export interface InboundAdvertiser {
  id: number;
  /** null = any source; 'invalid' = the stored list cannot be read, so nobody is let in. */
  allowlist: BlockList | null | 'invalid';
  statusMap: ReadonlyMap<string, Status>;
}

const CACHE_TTL_MS = 5_000;

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

export function createAdvertiserTokens(ctx: AppContext): AdvertiserTokens {
  let byDigest = new Map<string, InboundAdvertiser>();
  let loadedAt = Number.NEGATIVE_INFINITY;
  ctx.events.on('catalog.changed', () => {
    loadedAt = Number.NEGATIVE_INFINITY;
  });

  async function load(): Promise<void> {
    const rows = await listAdvertiserCredentials(ctx.store.db);
    const next = new Map<string, InboundAdvertiser>();
    for (const row of rows) {
      const digest = digestOf(row.postback_token);
      // Two advertisers with one token: the first row wins, as it always has.
      if (next.has(digest)) continue;
      next.set(digest, {
        id: Number(row.id),
        allowlist: parseAllowlist(row.ip_allowlist),
        statusMap: parseStatusMap(row.status_map),
      });
    }
    byDigest = next;
    loadedAt = Date.now();
  }

  const match = (digest: string) => byDigest.get(digest);

  return {
    async resolve(token) {
      if (token === '') return undefined;
      const digest = digestOf(token);
      if (Date.now() - loadedAt > CACHE_TTL_MS) await load();
      const hit = match(digest);
      if (hit) return hit;
      await load();
      return match(digest);
    },
  };
}
