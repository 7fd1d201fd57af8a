// The rewards API on both stores: who reads which user's ledger, adjustments and redemptions with
// their idempotency keys and the overdraw refusal, paging, and the settings on the publisher.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient, type Call, makeKey } from '../../../test/support/api-client.ts';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { createRewardsWorld, type RewardsWorld } from '../../../test/support/rewards-world.ts';
import { describeEachStore } from '../../../test/support/stores.ts';

describeEachStore('rewards API', (current) => {
  let t: TestApp;
  let w: RewardsWorld;
  let other: RewardsWorld;
  beforeAll(async () => {
    t = await startTestApp(current().store);
    w = await createRewardsWorld(t.url);
    other = await createRewardsWorld(t.url);
    await w.postback({ click_id: await w.click('alice'), txn_id: 'a1' });
  });
  afterAll(() => t.close());

  const userPath = (publisherId: number, user: string, tail = '') =>
    `/publishers/${publisherId}/rewards/users/${user}${tail}`;

  it('shows the rewards settings on the publisher and refuses unknown or invalid ones', async () => {
    const reply = await w.admin('GET', `/publishers/${w.publisherId}`);
    expect(reply.body.rewards).toEqual({
      enabled: true,
      userSubId: 'sub1',
      currency: 'coins',
      pointsPerUnit: 100,
      pointsPerGoal: {},
      rounding: 'floor',
      creditOn: 'approved',
      allowNegative: true,
    });
    const patch = (rewards: unknown) => w.admin('PATCH', `/publishers/${other.publisherId}`, { rewards });
    expect((await patch({ creditOn: 'sometimes' })).status).toBe(400);
    expect((await patch({ userSubId: 'sub11' })).status).toBe(400);
    expect((await patch({ bonus: 1 })).status).toBe(400);
    const changed = await patch({ userSubId: 'sub2', currency: 'gems' });
    expect(changed.body.rewards).toMatchObject({ userSubId: 'sub2', currency: 'gems', enabled: true });
    // A publisher that never turned rewards on shows the defaults, off.
    const plain = (await w.admin('POST', '/publishers', { name: 'no rewards' })).body;
    expect((await w.admin('GET', `/publishers/${plain.id}`)).body.rewards).toMatchObject({
      enabled: false,
      userSubId: 'sub1',
    });
  });

  it('lets admin and the publisher itself read a user, no one else (roles matrix)', async () => {
    const keys: Record<string, Call> = {
      admin: w.admin,
      ownPublisher: apiClient(
        t.url,
        await makeKey(current().store, 'publisher', { publisherId: w.publisherId }),
      ),
      otherPublisher: apiClient(
        t.url,
        await makeKey(current().store, 'publisher', { publisherId: other.publisherId }),
      ),
      advertiser: apiClient(
        t.url,
        await makeKey(current().store, 'advertiser', { advertiserId: w.advertiserId }),
      ),
      anonymous: apiClient(t.url, undefined),
    };
    const expected: Record<string, { read: number; redeem: number }> = {
      admin: { read: 200, redeem: 201 },
      ownPublisher: { read: 200, redeem: 201 },
      otherPublisher: { read: 404, redeem: 404 },
      advertiser: { read: 403, redeem: 403 },
      anonymous: { read: 401, redeem: 401 },
    };
    for (const [who, call] of Object.entries(keys)) {
      const read = await call('GET', userPath(w.publisherId, 'alice'));
      const redeem = await call('POST', userPath(w.publisherId, 'alice', '/redemptions'), {
        points: 1,
        idempotencyKey: `matrix-${who}`,
      });
      expect({ who, read: read.status, redeem: redeem.status }).toEqual({ who, ...expected[who] });
      if (read.status === 200) expect(read.body).toMatchObject({ userId: 'alice' });
    }
    expect((await w.ledger('alice')).balance).toBe(348);
  });

  it('writes a redemption once per idempotency key and refuses to overdraw', async () => {
    const redeem = (body: object) => w.admin('POST', userPath(w.publisherId, 'bob', '/redemptions'), body);
    const adjust = (body: object) => w.admin('POST', userPath(w.publisherId, 'bob', '/adjustments'), body);
    const granted = await adjust({ points: 100, idempotencyKey: 'grant', reason: 'welcome bonus' });
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({
      kind: 'adjustment',
      points: 100,
      balanceAfter: 100,
      reason: 'welcome bonus',
    });
    const first = await redeem({ points: 60, idempotencyKey: 'order-1' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ kind: 'redemption', points: -60, balanceAfter: 40 });
    const again = await redeem({ points: 60, idempotencyKey: 'order-1' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect((await redeem({ points: 61, idempotencyKey: 'order-1' })).body.error.code).toBe('conflict');
    const overdraw = await redeem({ points: 41, idempotencyKey: 'order-2' });
    expect(overdraw.status).toBe(409);
    expect(overdraw.body.error.code).toBe('insufficient_balance');
    expect((await w.ledger('bob')).balance).toBe(40);
    const allowed = await redeem({ points: 41, idempotencyKey: 'order-3', allowOverdraw: true });
    expect(allowed.body).toMatchObject({ balanceAfter: -1, flagged: true });
    // Concurrent redemptions of the last points: exactly one gets them.
    await adjust({ points: 11, idempotencyKey: 'refill' });
    const race = await Promise.all(
      Array.from({ length: 6 }, (_, i) => redeem({ points: 10, idempotencyKey: `race-${i}` })),
    );
    expect(race.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect((await w.ledger('bob')).balance).toBe(0);
  });

  it('pages the ledger newest first with the cursor', async () => {
    for (let i = 0; i < 5; i++) {
      await w.admin('POST', userPath(w.publisherId, 'carol', '/adjustments'), {
        points: i + 1,
        idempotencyKey: `p${i}`,
      });
    }
    const page1 = await w.admin('GET', userPath(w.publisherId, 'carol', '?limit=2'));
    expect(page1.body.balance).toBe(15);
    expect(page1.body.entries.map((e: { points: number }) => e.points)).toEqual([5, 4]);
    const page2 = await w.admin(
      'GET',
      userPath(w.publisherId, 'carol', `?limit=2&cursor=${page1.body.nextCursor}`),
    );
    expect(page2.body.entries.map((e: { points: number }) => e.points)).toEqual([3, 2]);
    const page3 = await w.admin(
      'GET',
      userPath(w.publisherId, 'carol', `?limit=2&cursor=${page2.body.nextCursor}`),
    );
    expect(page3.body).toMatchObject({ nextCursor: null });
    expect(page3.body.entries).toHaveLength(1);
    expect((await w.admin('GET', userPath(w.publisherId, 'carol', '?cursor=abc'))).status).toBe(400);
    expect((await w.admin('GET', userPath(999999, 'carol'))).status).toBe(404);
  });
});
