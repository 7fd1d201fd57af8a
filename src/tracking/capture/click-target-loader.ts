// Loads a click target on a cache miss. Every link is re-read once per cache TTL, which under load
// is hundreds of lookups a second: the query is compiled once, as one of the store's prepared lookups.
// A link pointing at a SmartLink also loads and compiles it here, on the miss, never per click.
import type { Store } from '../../db/store.ts';
import { everyOfferAvailable, type OfferAvailability } from '../../smartlinks/offer-availability.ts';
import { createSmartLinkLoader } from '../../smartlinks/smartlink.service.ts';
import { type ClickTargetRow, selectClickTargetBySlug } from '../clicks/click.repository.ts';
import { type ClickTarget, toClickTarget } from './click-target.ts';

export function createClickTargetLoader(
  store: Store,
  isAvailable: OfferAvailability = everyOfferAvailable,
): (slug: string) => Promise<ClickTarget | null> {
  const findTarget = store.lookups.prepareLookup<ClickTargetRow>(selectClickTargetBySlug);
  const loadSmartLink = createSmartLinkLoader(store, isAvailable);
  return async (slug) => {
    const row = await findTarget(slug);
    if (!row) return null;
    if (row.smartlink_id === null || row.smartlink_id === undefined) return toClickTarget(row);
    return toClickTarget(row, await loadSmartLink(Number(row.smartlink_id)));
  };
}
