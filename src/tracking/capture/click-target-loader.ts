// Loads a click target on a cache miss. Every link is re-read once per cache TTL, which under load
// is hundreds of lookups a second: on a store with a raw SQLite handle one prepared statement does
// it without query building; elsewhere the Kysely repository query is used.
import type { Store } from '../../db/store.ts';
import { type ClickTargetRow, findClickTargetBySlug } from '../clicks/click.repository.ts';
import { type ClickTarget, toClickTarget } from './click-target.ts';

const SQLITE_SQL = `select links.id as link_id, links.slug, links.offer_id, links.publisher_id, links.subs,
  offers.advertiser_id, offers.url as offer_url
  from links inner join offers on offers.id = links.offer_id where links.slug = ?`;

export function createClickTargetLoader(store: Store): (slug: string) => Promise<ClickTarget | null> {
  const { db, sqlite } = store;
  if (!sqlite) {
    return async (slug) => {
      const row = await findClickTargetBySlug(db, slug);
      return row ? toClickTarget(row) : null;
    };
  }
  let statement: ReturnType<typeof sqlite.prepare> | undefined;
  return async (slug) => {
    // Prepared on first use, so building the app never depends on the schema being migrated yet.
    statement ??= sqlite.prepare(SQLITE_SQL);
    const row = statement.get(slug) as ClickTargetRow | undefined;
    return row ? toClickTarget(row) : null;
  };
}
