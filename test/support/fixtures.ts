// Catalog rows for tests: one advertiser, one offer (with optional goals), one publisher and one
// link between them, written straight through Kysely. Every unique column gets a fresh value, so a
// test can call this as often as it likes on one store.
import { randomBytes } from 'node:crypto';
import type { AdvertiserRow, NewAdvertiserRow } from '../../src/catalog/advertisers/advertiser.table.ts';
import type {
  NewOfferGoalRow,
  NewOfferRow,
  OfferGoalRow,
  OfferRow,
} from '../../src/catalog/offers/offer.table.ts';
import type { NewPublisherRow, PublisherRow } from '../../src/catalog/publishers/publisher.table.ts';
import type { Db } from '../../src/db/database.types.ts';
import type { LinkRow, NewLinkRow } from '../../src/tracking/links/link.table.ts';

export interface CatalogOverrides {
  /** created_at / updated_at of every row (default Date.now()). */
  now?: number;
  advertiser?: Partial<NewAdvertiserRow>;
  offer?: Partial<Omit<NewOfferRow, 'advertiser_id'>>;
  /** Goals of the offer besides the default one, e.g. [{ key: 'install', payout: 1 }]. */
  goals?: Array<Partial<Omit<NewOfferGoalRow, 'offer_id'>> & { key: string }>;
  publisher?: Partial<NewPublisherRow>;
  /** `subs` may be given as an object; it is stored as JSON. */
  link?: Partial<Omit<NewLinkRow, 'offer_id' | 'publisher_id' | 'subs'>> & {
    subs?: string | Record<string, string>;
  };
}

export interface Catalog {
  advertiser: AdvertiserRow;
  offer: OfferRow;
  goals: OfferGoalRow[];
  publisher: PublisherRow;
  link: LinkRow;
}

const unique = () => randomBytes(6).toString('hex');

export async function createCatalog(db: Db, overrides: CatalogOverrides = {}): Promise<Catalog> {
  const now = overrides.now ?? Date.now();
  const stamps = { created_at: now, updated_at: now };
  const tag = unique();
  const advertiser = await db
    .insertInto('advertisers')
    .values({
      name: `Advertiser ${tag}`,
      postback_token: `adv_${tag}`,
      ip_allowlist: '[]',
      status_map: '{}',
      ...stamps,
      ...overrides.advertiser,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const offer = await db
    .insertInto('offers')
    .values({
      name: `Offer ${tag}`,
      url: 'https://advertiser.example/landing?click_id={click_id}',
      payout: 1.5,
      revenue: 2,
      currency: 'USD',
      allow_duplicates: 0,
      click_lifetime_days: 30,
      ...stamps,
      ...overrides.offer,
      advertiser_id: advertiser.id,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const goals: OfferGoalRow[] = [];
  for (const goal of overrides.goals ?? []) {
    goals.push(
      await db
        .insertInto('offer_goals')
        .values({ name: goal.key, payout: null, revenue: null, ...goal, offer_id: offer.id })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
  }
  const publisher = await db
    .insertInto('publishers')
    .values({
      name: `Publisher ${tag}`,
      security_token: `tok_${tag}`,
      signing_secret: `whsec_${randomBytes(24).toString('base64')}`,
      ...stamps,
      ...overrides.publisher,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const { subs, ...linkOverrides } = overrides.link ?? {};
  const link = await db
    .insertInto('links')
    .values({
      slug: `l${tag}`,
      ...stamps,
      ...linkOverrides,
      subs: typeof subs === 'string' ? subs : JSON.stringify(subs ?? {}),
      offer_id: offer.id,
      publisher_id: publisher.id,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { advertiser, offer, goals, publisher, link };
}
