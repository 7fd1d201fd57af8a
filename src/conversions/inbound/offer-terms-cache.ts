// Offer terms (payout, a publisher's payout override, currency, click lifetime, owner) change rarely and are read for every
// inbound postback, so they are kept in memory briefly. Edits made on this node clear the cache
// at once ('catalog.changed'); edits made on another node show up within the TTL, as tracking
// links and advertiser tokens do. An unknown offer is never cached: it is read again each time.
import type { AppContext } from '../../server/app-context.ts';
import { findOfferTerms, type OfferTerms } from '../conversion.repository.ts';

const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

export interface OfferTermsCache {
  get(offerId: number, publisherId: number): Promise<OfferTerms | undefined>;
}

export function createOfferTermsCache(ctx: AppContext, now: () => number = Date.now): OfferTermsCache {
  let entries = new Map<string, { terms: OfferTerms; expiresAt: number }>();
  // Bumped on every clear, so a read that started before an edit does not store stale terms.
  let generation = 0;
  ctx.events.on('catalog.changed', () => {
    generation++;
    entries = new Map();
  });

  return {
    async get(offerId, publisherId) {
      const key = `${offerId}|${publisherId}`;
      const entry = entries.get(key);
      if (entry && entry.expiresAt > now()) return entry.terms;
      const started = generation;
      const terms = await findOfferTerms(ctx.store.db, offerId, publisherId);
      if (terms && started === generation) {
        if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
        entries.delete(key);
        entries.set(key, { terms, expiresAt: now() + TTL_MS });
      }
      return terms;
    },
  };
}
