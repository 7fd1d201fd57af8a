// End to end over HTTP on both stores: a user clicks with sub1=<user>, the network's postbacks
// credit, repeat, reverse; the ledger and the cached balance agree after each.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.ts';
import { createRewardsWorld } from '../../test/support/rewards-world.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { loadDeliveryContexts } from '../deliveries/prepare/delivery-context.repository.ts';
import { buildOutboundRequest } from '../deliveries/prepare/delivery-request.ts';
import { sumUserEntries } from './reward.repository.ts';

describeEachStore('rewards crediting over HTTP', (current) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(current().store);
  });
  afterAll(() => t.close());

  const ledgerSum = (publisherId: number, user: string) =>
    sumUserEntries(current().store.db, publisherId, user);

  it('credits an approved conversion once, however often the postback repeats', async () => {
    const w = await createRewardsWorld(t.url);
    const clickId = await w.click('user-1');
    const first = await w.postback({ click_id: clickId, txn_id: 't1', payout: '5' });
    expect(first.body.code).toBe('conversion_created');
    for (let i = 0; i < 3; i++) {
      expect((await w.postback({ click_id: clickId, txn_id: 't1', payout: '5' })).body.code).toBe(
        'duplicate',
      );
    }
    const ledger = await w.ledger('user-1');
    // The publisher's payout (3.50) × 100 points per unit.
    expect(ledger.balance).toBe(350);
    expect(ledger.entries).toMatchObject([
      {
        kind: 'credit',
        points: 350,
        balanceAfter: 350,
        conversionId: first.body.conversionId,
        status: 'approved',
      },
    ]);
    expect(await ledgerSum(w.publisherId, 'user-1')).toBe(350);
  });

  it('claws back exactly the credit on a reversal, pointing at it', async () => {
    const w = await createRewardsWorld(t.url);
    const a = await w.click('user-2');
    const b = await w.click('user-2');
    await w.postback({ click_id: a, txn_id: 'a' });
    await w.postback({ click_id: b, txn_id: 'b' });
    expect((await w.ledger('user-2')).balance).toBe(700);
    const reversal = await w.postback({ click_id: a, txn_id: 'a', status: 'reversed' });
    expect(reversal.body.code).toBe('status_changed');
    // The same reversal again changes nothing.
    expect((await w.postback({ click_id: a, txn_id: 'a', status: 'reversed' })).body.code).toBe('duplicate');
    const ledger = await w.ledger('user-2');
    expect(ledger.balance).toBe(350);
    const [undo, , credit] = ledger.entries;
    expect(undo).toMatchObject({ kind: 'reversal', points: -350, reverses: credit.id, status: 'reversed' });
    expect(credit.conversionId).toBe(undo.conversionId);
    expect(await ledgerSum(w.publisherId, 'user-2')).toBe(350);
  });

  it('a reversal of a conversion that never credited changes nothing', async () => {
    const w = await createRewardsWorld(t.url);
    const clickId = await w.click('user-3');
    // Pending does not credit when rewards credit on approval.
    await w.postback({ click_id: clickId, txn_id: 'p', status: 'pending' });
    expect((await w.ledger('user-3')).entries).toEqual([]);
    expect((await w.postback({ click_id: clickId, txn_id: 'p', status: 'rejected' })).body.code).toBe(
      'status_changed',
    );
    expect(await w.ledger('user-3')).toMatchObject({ balance: 0, entries: [] });
  });

  it('credits pending conversions at once when asked to, and not again on approval', async () => {
    const w = await createRewardsWorld(t.url, { creditOn: 'pending' });
    const clickId = await w.click('user-4');
    await w.postback({ click_id: clickId, txn_id: 'p', status: 'pending' });
    expect((await w.ledger('user-4')).balance).toBe(350);
    await w.postback({ click_id: clickId, txn_id: 'p', status: 'approved' });
    expect((await w.ledger('user-4')).entries).toHaveLength(1);
    await w.postback({ click_id: clickId, txn_id: 'p', status: 'reversed' });
    expect((await w.ledger('user-4')).balance).toBe(0);
  });

  it('a reversal of spent points goes negative and is flagged, or takes only what is left', async () => {
    for (const allowNegative of [true, false]) {
      const w = await createRewardsWorld(t.url, { allowNegative });
      const user = `spender-${allowNegative}`;
      const clickId = await w.click(user);
      await w.postback({ click_id: clickId, txn_id: 'x' });
      const spent = await w.admin('POST', `/publishers/${w.publisherId}/rewards/users/${user}/redemptions`, {
        points: 300,
        idempotencyKey: 'r1',
      });
      expect(spent.status).toBe(201);
      await w.postback({ click_id: clickId, txn_id: 'x', status: 'reversed' });
      const ledger = await w.ledger(user);
      expect(ledger.entries[0]).toMatchObject({
        kind: 'reversal',
        points: allowNegative ? -350 : -50,
        flagged: true,
      });
      expect(ledger.balance).toBe(allowNegative ? -300 : 0);
      expect(await ledgerSum(w.publisherId, user)).toBe(ledger.balance);
    }
  });

  it('a reinstated conversion credits again after its rejection clawed back', async () => {
    const w = await createRewardsWorld(t.url);
    const clickId = await w.click('user-5');
    await w.postback({ click_id: clickId, txn_id: 'r' });
    await w.postback({ click_id: clickId, txn_id: 'r', status: 'rejected' });
    await w.postback({ click_id: clickId, txn_id: 'r', status: 'approved' });
    const ledger = await w.ledger('user-5');
    expect(ledger.entries.map((e) => e.kind)).toEqual(['credit', 'reversal', 'credit']);
    expect(ledger.balance).toBe(350);
  });

  it('credits concurrent duplicates once', async () => {
    const w = await createRewardsWorld(t.url);
    const clicks = await Promise.all(Array.from({ length: 5 }, () => w.click('racer')));
    const answers = await Promise.all(
      clicks.flatMap((clickId, i) =>
        Array.from({ length: 6 }, () => w.postback({ click_id: clickId, txn_id: `race-${i}` })),
      ),
    );
    const codes = answers.map((a) => a.body.code);
    expect(codes.filter((c) => c === 'conversion_created')).toHaveLength(5);
    expect(codes.filter((c) => c === 'duplicate')).toHaveLength(25);
    const ledger = await w.ledger('racer');
    expect(ledger.entries).toHaveLength(5);
    expect(ledger.balance).toBe(5 * 350);
    expect(await ledgerSum(w.publisherId, 'racer')).toBe(ledger.balance);
  });

  it('points per goal and rounding follow the settings', async () => {
    const w = await createRewardsWorld(t.url, { pointsPerUnit: 33.3, rounding: 'ceil' }, { payout: 0.29 });
    const clickId = await w.click('user-6');
    await w.postback({ click_id: clickId, txn_id: 'g' });
    // 0.29 × 33.3 = 9.657 → 10
    expect((await w.ledger('user-6')).balance).toBe(10);
  });

  it('tells the rewards site about each entry with an ordinary postback and the reward macros', async () => {
    const w = await createRewardsWorld(t.url);
    const created = await w.admin('POST', '/postbacks', {
      publisherId: w.publisherId,
      url: 'https://rewards.example/cb?u={user_id}&p={points}&b={balance}&e={ledger_entry_id}&k={reward_kind}&s={status}',
    });
    expect(created.status).toBe(201);
    const clickId = await w.click('user-7');
    const conversionId = (await w.postback({ click_id: clickId, txn_id: 'm' })).body.conversionId as string;
    await w.postback({ click_id: clickId, txn_id: 'm', status: 'reversed' });
    const db = current().store.db;
    const deliveries = await db
      .selectFrom('deliveries')
      .select('id')
      .where('conversion_id', '=', conversionId)
      .orderBy('id')
      .execute();
    const contexts = await loadDeliveryContexts(
      db,
      deliveries.map((d) => d.id),
    );
    const urls = deliveries.map(
      (d) => new URL(buildOutboundRequest(contexts.get(d.id)!, Date.now(), 'test').request.url).searchParams,
    );
    const [credit, reversal] = (await w.ledger('user-7')).entries.reverse();
    expect(urls.map((q) => Object.fromEntries(q))).toEqual([
      { u: 'user-7', p: '350', b: '350', e: String(credit.id), k: 'credit', s: 'approved' },
      { u: 'user-7', p: '-350', b: '0', e: String(reversal.id), k: 'reversal', s: 'reversed' },
    ]);
  });
});
