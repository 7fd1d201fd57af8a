// `trackwire demo`: a sample advertiser, offer, publisher and link (found again on later runs, so
// it is safe to repeat), and the commands to walk one click through to a conversion.
import type { Logger } from 'pino';
import { findAdvertiserByName } from '../catalog/advertisers/advertiser.repository.ts';
import { createAdvertiser, postbackUrlOf } from '../catalog/advertisers/advertiser.service.ts';
import type { AdvertiserRow } from '../catalog/advertisers/advertiser.table.ts';
import { findOfferByName } from '../catalog/offers/offer.repository.ts';
import { createOffer } from '../catalog/offers/offer.service.ts';
import type { OfferRow } from '../catalog/offers/offer.table.ts';
import { findPublisherByName } from '../catalog/publishers/publisher.repository.ts';
import { createPublisher } from '../catalog/publishers/publisher.service.ts';
import type { PublisherRow } from '../catalog/publishers/publisher.table.ts';
import type { Config } from '../config/config.ts';
import type { AppContext } from '../server/app-context.ts';
import { createContext, openMigratedStore } from '../server/context.ts';
import { findLinkByOfferAndPublisher, findLinkRowBySlug } from '../tracking/links/link.repository.ts';
import { createLink, trackingUrlOf } from '../tracking/links/link.service.ts';
import type { LinkRow } from '../tracking/links/link.table.ts';

export const DEMO_NAMES = {
  advertiser: 'Demo Advertiser',
  offer: 'Demo Offer',
  publisher: 'Demo Publisher',
  slug: 'demo',
} as const;

export const DEMO_DESTINATION = 'https://example.com/landing?click_id={click_id}&sub1={sub1}';

export interface DemoWorld {
  advertiser: AdvertiserRow;
  offer: OfferRow;
  publisher: PublisherRow;
  link: LinkRow;
  trackingUrl: string;
  postbackUrl: string;
  /** What to print: the links and the curl commands that try the loop. */
  lines: string[];
}

async function ensureDemoObjects(ctx: AppContext) {
  const db = ctx.store.db;
  const advertiser =
    (await findAdvertiserByName(db, DEMO_NAMES.advertiser)) ??
    (await createAdvertiser(ctx, {
      name: DEMO_NAMES.advertiser,
      statusMap: { hold: 'pending', paid: 'approved' },
    }));
  const offer =
    (await findOfferByName(db, advertiser.id, DEMO_NAMES.offer)) ??
    (
      await createOffer(ctx, {
        advertiserId: advertiser.id,
        name: DEMO_NAMES.offer,
        url: DEMO_DESTINATION,
        payout: 1.5,
        revenue: 2,
        currency: 'USD',
        goals: [
          { key: 'install', name: 'Install', payout: 1.5, revenue: 2 },
          { key: 'registration', name: 'Registration', payout: 3, revenue: 4 },
          { key: 'purchase', name: 'Purchase', payout: 10, revenue: 15 },
        ],
      })
    ).offer;
  const publisher =
    (await findPublisherByName(db, DEMO_NAMES.publisher)) ??
    (await createPublisher(ctx, { name: DEMO_NAMES.publisher }));
  const existing = await findLinkByOfferAndPublisher(db, offer.id, publisher.id);
  // "demo" may already belong to someone's own link; then a generated slug will do.
  const slugFree = !(await findLinkRowBySlug(db, DEMO_NAMES.slug));
  const link =
    existing ??
    (await createLink(ctx, {
      offerId: offer.id,
      publisherId: publisher.id,
      ...(slugFree && { slug: DEMO_NAMES.slug }),
      subs: { sub1: 'demo' },
    }));
  return { advertiser, offer, publisher, link };
}

export async function seedDemo(ctx: AppContext): Promise<DemoWorld> {
  const objects = await ensureDemoObjects(ctx);
  const base = ctx.config.publicUrl;
  const trackingUrl = trackingUrlOf(ctx.config, objects.link.slug);
  // The advertiser reports what it pays (revenue); the publisher's payout comes from the offer.
  const postbackUrl = `${postbackUrlOf(ctx.config, objects.advertiser.postback_token)}?click_id=<CLICK_ID>&revenue=2.00&txn_id=demo-1&status=approved`;
  const lines = [
    `Demo ready: advertiser #${objects.advertiser.id}, offer #${objects.offer.id} (goals install, registration, purchase), publisher #${objects.publisher.id}, link #${objects.link.id}.`,
    '',
    `Tracking link:          ${trackingUrl}`,
    `Inbound postback URL:   ${postbackUrl}`,
    '',
    'Try the loop (with the server running):',
    '',
    '  1. Click the link; the redirect carries the click id (click_id=… in the Location header):',
    `       curl -si '${trackingUrl}?sub2=test' | grep -i '^location'`,
    '',
    '  2. Report a conversion as the advertiser would, with that click id in place of <CLICK_ID>',
    "     (the advertiser pays 2.00, the revenue; the publisher earns the offer's 1.50, the payout):",
    `       curl -s '${postbackUrl}'`,
    '',
    '  3. See it (with an admin key from `trackwire keys create --role admin`):',
    `       curl -s -H 'Authorization: Bearer <ADMIN_KEY>' '${base}/api/v1/conversions'`,
  ];
  return { ...objects, trackingUrl, postbackUrl, lines };
}

export async function runDemo(config: Config, log: Logger): Promise<number> {
  const store = await openMigratedStore(config, log);
  try {
    const world = await seedDemo(createContext(config, store, log));
    for (const line of world.lines) console.log(line);
    return 0;
  } finally {
    await store.close();
  }
}
