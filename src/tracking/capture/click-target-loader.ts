// Loads a click target on a cache miss. Every link is re-read once per cache TTL, which under load
// is hundreds of lookups a second: the query is compiled once, as one of the store's prepared lookups.
import type { Store } from '../../db/store.ts';
import { type ClickTargetRow, selectClickTargetBySlug } from '../clicks/click.repository.ts';
import { type ClickTarget, toClickTarget } from './click-target.ts';

export function createClickTargetLoader(store: Store): (slug: string) => Promise<ClickTarget | null> {
  const findTarget = store.lookups.prepareLookup<ClickTargetRow>(selectClickTargetBySlug);
  return async (slug) => {
    const row = await findTarget(slug);
    return row ? toClickTarget(row) : null;
  };
}
