import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedClick } from '../../../test/support/activity-rows.ts';
import { apiClient, type Call } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { describeEachStore } from '../../../test/support/stores.ts';

describeEachStore('clicks API (read-only)', (current) => {
  let t: TestApp;
  let admin: Call;
  const T0 = Date.UTC(2026, 0, 5);
  const w: Record<string, number> = {};
  const clickIds: string[] = [];
  beforeAll(async () => {
    t = await startTestApp(current().store);
    admin = apiClient(t.url, TEST_ADMIN_KEY);
    const a = (await admin('POST', '/advertisers', { name: 'A' })).body;
    w.o1 = (
      await admin('POST', '/offers', { advertiserId: a.id, name: 'O1', url: 'https://o.test/' })
    ).body.id;
    w.o2 = (
      await admin('POST', '/offers', { advertiserId: a.id, name: 'O2', url: 'https://o.test/' })
    ).body.id;
    w.p = (await admin('POST', '/publishers', { name: 'P' })).body.id;
    w.l1 = (await admin('POST', '/links', { offerId: w.o1, publisherId: w.p })).body.id;
    w.l2 = (await admin('POST', '/links', { offerId: w.o2, publisherId: w.p })).body.id;
    const db = current().store.db;
    // Five clicks in the same millisecond and two later: paging must hold across equal times.
    for (let i = 0; i < 5; i++) {
      clickIds.push(
        (await seedClick(db, { linkId: w.l1, offerId: w.o1, publisherId: w.p, advertiserId: a.id }, T0)).id,
      );
    }
    clickIds.push(
      (
        await seedClick(db, { linkId: w.l2, offerId: w.o2, publisherId: w.p, advertiserId: a.id }, T0 + 10, {
          is_bot: 1,
          gclid: 'g-1',
        })
      ).id,
    );
    clickIds.push(
      (await seedClick(db, { linkId: w.l2, offerId: w.o2, publisherId: w.p, advertiserId: a.id }, T0 + 20))
        .id,
    );
  });
  afterAll(() => t.close());

  it('pages through every click exactly once, newest first', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const reply: { body: { data: Array<{ id: string; createdAt: number }>; nextCursor: string | null } } =
        await admin('GET', `/clicks?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...reply.body.data.map((c) => c.id));
      cursor = reply.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen.sort()).toEqual([...clickIds].sort());
    const firstPage = (await admin('GET', '/clicks?limit=2')).body.data;
    expect(firstPage.map((c: { createdAt: number }) => c.createdAt)).toEqual([T0 + 20, T0 + 10]);
  });

  it('filters by offer, link, publisher and time; returns one click with its fields', async () => {
    const q = async (query: string) => (await admin('GET', `/clicks?limit=100&${query}`)).body.data.length;
    expect(await q(`offerId=${w.o1}`)).toBe(5);
    expect(await q(`linkId=${w.l2}`)).toBe(2);
    expect(await q(`publisherId=${w.p}`)).toBe(7);
    expect(await q(`publisherId=${w.p + 100}`)).toBe(0);
    expect(await q(`from=${T0 + 1}&to=${T0 + 20}`)).toBe(1);
    const one = await admin('GET', `/clicks/${clickIds[5]}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      id: clickIds[5],
      isBot: true,
      gclid: 'g-1',
      sub1: 'instagram',
      externalId: 'ext-1',
      country: 'DE',
      linkId: w.l2,
    });
    expect((await admin('GET', '/clicks/unknown')).status).toBe(404);
    expect((await admin('GET', '/clicks?from=yesterday')).status).toBe(400);
  });
});
