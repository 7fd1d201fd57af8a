// The benchmark's data set, written straight into the store: 1 000 offers, 5 000 links,
// 200 publishers each with a global postback to the loopback receiver.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/database.types.ts';
import { postbackRow } from '../../test/support/rows.ts';

export interface SeedSizes {
  advertisers: number;
  offers: number;
  publishers: number;
  links: number;
}

export const FULL_SIZES: SeedSizes = { advertisers: 50, offers: 1000, publishers: 200, links: 5000 };

export interface Seeded {
  slugs: string[];
  /** advertiser id → postback token */
  tokens: Map<number, string>;
  postbackIds: number[];
}

const token = () => randomBytes(16).toString('hex');

async function insertInChunks<T>(
  rows: T[],
  insert: (chunk: T[]) => Promise<unknown>,
  size = 200,
): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

export async function seedCatalog(
  db: Kysely<Database>,
  sizes: SeedSizes,
  receiverUrl: string,
): Promise<Seeded> {
  const now = Date.now();
  const tokens = new Map<number, string>();
  const advertisers = Array.from({ length: sizes.advertisers }, (_, i) => ({
    name: `Advertiser ${i + 1}`,
    postback_token: token(),
    ip_allowlist: '[]',
    status_map: '{}',
    created_at: now,
    updated_at: now,
  }));
  await insertInChunks(advertisers, (c) => db.insertInto('advertisers').values(c).execute());
  for (const a of await db.selectFrom('advertisers').select(['id', 'postback_token']).execute()) {
    tokens.set(a.id, a.postback_token);
  }
  const advertiserIds = [...tokens.keys()];

  const offers = Array.from({ length: sizes.offers }, (_, i) => ({
    advertiser_id: advertiserIds[i % advertiserIds.length],
    name: `Offer ${i + 1}`,
    url: `https://offer${i + 1}.example.com/landing?click_id={click_id}&sub1={sub1}&pub={publisher_id}`,
    payout: 1.5,
    revenue: 2,
    currency: 'USD',
    allow_duplicates: 0,
    click_lifetime_days: 30,
    created_at: now,
    updated_at: now,
  }));
  await insertInChunks(offers, (c) => db.insertInto('offers').values(c).execute());
  const offerIds = (await db.selectFrom('offers').select('id').execute()).map((o) => o.id);

  const publishers = Array.from({ length: sizes.publishers }, (_, i) => ({
    name: `Publisher ${i + 1}`,
    security_token: token(),
    signing_secret: `whsec_${randomBytes(24).toString('base64')}`,
    previous_signing_secret: null,
    previous_secret_expires_at: null,
    created_at: now,
    updated_at: now,
  }));
  await insertInChunks(publishers, (c) => db.insertInto('publishers').values(c).execute());
  const publisherIds = (await db.selectFrom('publishers').select('id').execute()).map((p) => p.id);

  const links = Array.from({ length: sizes.links }, (_, i) => ({
    slug: `l${i.toString(36)}${randomBytes(3).toString('hex')}`,
    offer_id: offerIds[i % offerIds.length],
    publisher_id: publisherIds[i % publisherIds.length],
    subs: '{}',
    created_at: now,
    updated_at: now,
  }));
  await insertInChunks(links, (c) => db.insertInto('links').values(c).execute());

  const postbacks = publisherIds.map((publisher_id) =>
    postbackRow({
      publisher_id,
      url: `${receiverUrl}/pb?id={postback_id}&cid={external_id}&payout={payout}&status={status}`,
      created_at: now,
    }),
  );
  await insertInChunks(postbacks, (c) => db.insertInto('postbacks').values(c).execute());
  const postbackIds = (await db.selectFrom('postbacks').select('id').execute()).map((p) => p.id);
  return { slugs: links.map((l) => l.slug), tokens, postbackIds };
}
