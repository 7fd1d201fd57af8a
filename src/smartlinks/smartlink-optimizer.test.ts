import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { seedClick } from '../../test/support/activity-rows.ts';
import { apiClient, type Call } from '../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../test/support/app.ts';
import { conversionRow } from '../../test/support/rows.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { ManualClock } from '../shared/clock.ts';
import { MIN_CLICKS_FOR_EPC } from './limits.ts';
import { recomputeAllSmartLinkWeights, startSmartLinkOptimizer } from './smartlink-optimizer.ts';

describeEachStore('SmartLink auto-optimisation', (current) => {
  const NOW = Date.UTC(2026, 5, 1, 12);
  const HOUR = 3_600_000;
  let t: TestApp;
  let admin: Call;
  beforeAll(async () => {
    t = await startTestApp(current().store, {}, new ManualClock(NOW));
    admin = apiClient(t.url, TEST_ADMIN_KEY);
  });
  afterAll(() => t.close());

  it('recomputes weights from each offer’s EPC within the window, only where it is on', async () => {
    const db = current().store.db;
    const advertiserId = (await admin('POST', '/advertisers', { name: 'A' })).body.id;
    const [good, poor, fresh] = await Promise.all(
      ['good', 'poor', 'fresh'].map(async (name) =>
        Number((await admin('POST', '/offers', { advertiserId, name, url: 'https://o.test/' })).body.id),
      ),
    );
    const publisherId = (await admin('POST', '/publishers', { name: 'P' })).body.id;
    const rules = [{ offers: [{ offerId: good }, { offerId: poor }, { offerId: fresh }] }];
    const on = (
      await admin('POST', '/smartlinks', {
        name: 'on',
        fallbackUrl: 'https://f.test/',
        rules,
        autoOptimize: true,
        optimizeWindowHours: 24,
      })
    ).body;
    const off = (await admin('POST', '/smartlinks', { name: 'off', fallbackUrl: 'https://f.test/', rules }))
      .body;
    const link = (await admin('POST', '/links', { smartlinkId: on.id, publisherId })).body;
    const seed = async (
      offerId: number,
      clicks: number,
      revenueEach: number,
      converting: number,
      at: number,
    ) => {
      for (let i = 0; i < clicks; i++) {
        const click = await seedClick(db, { linkId: link.id, offerId, publisherId, advertiserId }, at, {
          smartlink_id: on.id,
          smartlink_rule: 1,
        });
        if (i < converting) {
          await db
            .insertInto('conversions')
            .values(
              conversionRow({
                click_id: click.id,
                offer_id: offerId,
                publisher_id: publisherId,
                advertiser_id: advertiserId,
                link_id: link.id,
                revenue: revenueEach,
                status: i % 2 === 0 ? 'approved' : 'pending',
              }),
            )
            .execute();
        }
      }
    };
    await seed(good, MIN_CLICKS_FOR_EPC, 10, 10, NOW - HOUR); // EPC 2
    await seed(poor, MIN_CLICKS_FOR_EPC, 5, 5, NOW - HOUR); // EPC 0.5
    await seed(poor, MIN_CLICKS_FOR_EPC, 100, 50, NOW - 48 * HOUR); // outside the window: ignored
    await seed(fresh, 3, 100, 3, NOW - HOUR); // too few clicks to judge

    expect(await recomputeAllSmartLinkWeights(t.ctx)).toBeGreaterThanOrEqual(1);
    const optimised = (await admin('GET', `/smartlinks/${on.id}`)).body;
    expect(optimised.optimizedWeights).toEqual({ [good]: 1000, [poor]: 250, [fresh]: 1000 });
    expect(optimised.optimizedAt).toBe(NOW);
    expect((await admin('GET', `/smartlinks/${off.id}`)).body.optimizedWeights).toBeNull();
    // The resolver uses them: the tester shows the shares that follow.
    const test = (await admin('POST', `/smartlinks/${on.id}/test`, {})).body;
    expect(test.candidates).toEqual([
      { offerId: good, share: 1000 / 2250 },
      { offerId: poor, share: 250 / 2250 },
      { offerId: fresh, share: 1000 / 2250 },
    ]);
  });

  it('recomputes on its own every interval once started', async () => {
    const advertiserId = (await admin('POST', '/advertisers', { name: 'B' })).body.id;
    const offerId = (await admin('POST', '/offers', { advertiserId, name: 'x', url: 'https://o.test/' })).body
      .id;
    const smart = (
      await admin('POST', '/smartlinks', {
        name: 'timed',
        fallbackUrl: 'https://f.test/',
        rules: [{ offers: [{ offerId }] }],
        autoOptimize: true,
      })
    ).body;
    let changes = 0;
    const count = () => changes++;
    t.ctx.events.on('catalog.changed', count);
    const stop = startSmartLinkOptimizer(t.ctx, 20);
    try {
      await vi.waitFor(
        async () => expect((await admin('GET', `/smartlinks/${smart.id}`)).body.optimizedAt).toBe(NOW),
        {
          timeout: 5_000,
        },
      );
      await vi.waitFor(() => expect(changes).toBeGreaterThanOrEqual(1), { timeout: 5_000 });
    } finally {
      stop();
      t.ctx.events.off('catalog.changed', count);
    }
  });
});
