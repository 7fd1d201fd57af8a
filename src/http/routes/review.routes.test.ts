// GET /conversions/review on both stores: the held conversions page newest first by cursor to the
// very last one, with the queue's total, for each role that may read the review flag.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LinkRef, seedClick, seedConversion } from '../../../test/support/activity-rows.ts';
import { apiClient, type Call, makeKey } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { describeEachStore } from '../../../test/support/stores.ts';

describeEachStore('review queue API', (current) => {
  let t: TestApp;
  let admin: Call;
  const T0 = Date.UTC(2026, 0, 10);
  const links: LinkRef[] = [];
  /** Held conversion ids per advertiser, newest first. */
  const held: string[][] = [[], []];

  async function makeLink(name: string): Promise<LinkRef> {
    const a = (await admin('POST', '/advertisers', { name })).body;
    const o = (await admin('POST', '/offers', { advertiserId: a.id, name, url: 'https://o.test/' })).body;
    const p = (await admin('POST', '/publishers', { name })).body;
    const l = (await admin('POST', '/links', { offerId: o.id, publisherId: p.id })).body;
    return { linkId: l.id, offerId: o.id, publisherId: p.id, advertiserId: a.id };
  }

  beforeAll(async () => {
    t = await startTestApp(current().store);
    admin = apiClient(t.url, TEST_ADMIN_KEY);
    const db = current().store.db;
    links.push(await makeLink('A'), await makeLink('B'));
    // Advertisers' conversions interleave in time; only pending and flagged ones are held.
    for (let i = 0; i < 12; i++) {
      const side = i % 3 === 0 ? 1 : 0;
      const click = await seedClick(db, links[side], T0 + i * 60_000);
      const flagged = { needs_review: 1, review_reason: 'rule:review_me' };
      const row = await seedConversion(db, click, i % 5 === 4 ? { status: 'approved', ...flagged } : flagged);
      if (row.status === 'pending') held[side].unshift(row.id);
      await seedConversion(db, await seedClick(db, links[side], T0 + i * 60_000 + 1));
    }
  });
  afterAll(() => t.close());

  async function readAll(call: Call, limit: number) {
    const ids: string[] = [];
    const totals = new Set<number>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const reply = await call(
        'GET',
        `/conversions/review?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(reply.status).toBe(200);
      expect(reply.body.data.length).toBeLessThanOrEqual(limit);
      for (const c of reply.body.data) {
        expect(c).toMatchObject({ status: 'pending', needsReview: true, reviewReason: 'rule:review_me' });
        ids.push(c.id);
      }
      totals.add(reply.body.total);
      cursor = reply.body.nextCursor;
      pages++;
    } while (cursor !== null && pages < 50);
    return { ids, totals: [...totals] };
  }

  it('pages an admin through every held conversion, newest first, with the total', async () => {
    const all = [...held[0], ...held[1]].sort().reverse();
    expect(all.length).toBe(10);
    for (const limit of [1, 3, 10, 500]) {
      const { ids, totals } = await readAll(admin, limit);
      expect(ids).toEqual(all);
      expect(totals).toEqual([all.length]);
    }
  });

  it('shows an advertiser key only its own held conversions; a publisher key is refused', async () => {
    for (const side of [0, 1]) {
      const key = await makeKey(current().store, 'advertiser', { advertiserId: links[side].advertiserId });
      const { ids, totals } = await readAll(apiClient(t.url, key), 2);
      expect(ids).toEqual(held[side]);
      expect(totals).toEqual([held[side].length]);
      const one = await apiClient(t.url, key)('GET', '/conversions/review?limit=1');
      expect(one.body.data[0]).not.toHaveProperty('payout');
    }
    const publisher = await makeKey(current().store, 'publisher', { publisherId: links[0].publisherId });
    expect((await apiClient(t.url, publisher)('GET', '/conversions/review')).status).toBe(403);
    expect((await apiClient(t.url, undefined)('GET', '/conversions/review')).status).toBe(401);
  });

  it('refuses a forged cursor and unknown fields; a decided conversion leaves the queue', async () => {
    const bad = await admin('GET', '/conversions/review?cursor=nope');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed' });
    expect((await admin('GET', '/conversions/review?status=approved')).status).toBe(400);
    const before = (await admin('GET', '/conversions/review?limit=1')).body;
    const decided = await admin('POST', '/conversions/review', {
      conversionIds: [before.data[0].id],
      status: 'rejected',
      reason: 'fraud',
    });
    expect(decided.body.data).toEqual([{ conversionId: before.data[0].id, status: 'rejected' }]);
    const after = (await admin('GET', '/conversions/review?limit=1')).body;
    expect(after.total).toBe(before.total - 1);
    expect(after.data[0].id).not.toBe(before.data[0].id);
  });
});
