import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedClick } from '../../test/support/activity-rows.ts';
import { startTestApp, testConfig } from '../../test/support/app.ts';
import { send } from '../../test/support/inbound-fixtures.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { findGoalsOfOffers } from '../catalog/offers/offer.repository.ts';
import type { AppContext } from '../server/app-context.ts';
import { createContext } from '../server/context.ts';
import { DEMO_DESTINATION, seedDemo } from './demo.command.ts';

describeEachStore('trackwire demo', (current) => {
  let ctx: AppContext;
  beforeAll(() => {
    ctx = createContext(
      testConfig({ publicUrl: 'https://t.example.org' }),
      current().store,
      pino({ level: 'silent' }),
    );
  });
  afterAll(() => ctx.events.removeAllListeners());

  it('creates the sample objects once and prints a tracking link, a postback URL and curl commands', async () => {
    const first = await seedDemo(ctx);
    expect(first.advertiser.name).toBe('Demo Advertiser');
    expect(first.offer).toMatchObject({
      advertiser_id: first.advertiser.id,
      url: DEMO_DESTINATION,
      name: 'Demo Offer',
    });
    const goals = (await findGoalsOfOffers(ctx.store.db, [first.offer.id])).get(first.offer.id) ?? [];
    expect(goals.map((g) => g.key)).toEqual(['install', 'registration', 'purchase']);
    expect(first.link).toMatchObject({
      offer_id: first.offer.id,
      publisher_id: first.publisher.id,
      slug: 'demo',
    });
    expect(first.trackingUrl).toBe('https://t.example.org/c/demo');
    expect(first.postbackUrl).toBe(
      `https://t.example.org/postback/${first.advertiser.postback_token}?click_id=<CLICK_ID>&revenue=2.00&txn_id=demo-1&status=approved`,
    );
    const text = first.lines.join('\n');
    expect(text).toContain(first.trackingUrl);
    expect(text).toContain(first.postbackUrl);
    expect(text).toMatch(/curl .*\/c\/demo/);
    expect(text).toMatch(/curl .*\/postback\//);

    const second = await seedDemo(ctx);
    expect(second.advertiser.id).toBe(first.advertiser.id);
    expect(second.offer.id).toBe(first.offer.id);
    expect(second.publisher.id).toBe(first.publisher.id);
    expect(second.link.id).toBe(first.link.id);
    const db = ctx.store.db;
    const count = async (table: 'advertisers' | 'offers' | 'publishers' | 'links' | 'offer_goals') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect([
      await count('advertisers'),
      await count('offers'),
      await count('publishers'),
      await count('links'),
      await count('offer_goals'),
    ]).toEqual([1, 1, 1, 1, 3]);
  });

  it("walks the printed loop: the advertiser's 2.00 is the revenue, the publisher earns the offer's 1.50", async () => {
    const app = await startTestApp(current().store, { publicUrl: 'https://t.example.org' });
    try {
      const world = await seedDemo(app.ctx);
      const click = await seedClick(
        ctx.store.db,
        {
          linkId: world.link.id,
          offerId: world.offer.id,
          publisherId: world.publisher.id,
          advertiserId: world.advertiser.id,
        },
        Date.now(),
      );
      const path = world.postbackUrl.replace('https://t.example.org', '').replace('<CLICK_ID>', click.id);
      const answer = await send(`${app.url}${path}`);
      expect(answer.body).toMatchObject({ result: 'accepted' });
      const conversion = await ctx.store.db
        .selectFrom('conversions')
        .selectAll()
        .where('click_id', '=', click.id)
        .executeTakeFirstOrThrow();
      expect(conversion).toMatchObject({ revenue: 2, payout: 1.5, needs_review: 0 });
    } finally {
      await app.close();
    }
  });
});
