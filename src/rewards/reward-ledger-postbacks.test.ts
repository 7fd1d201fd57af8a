// Adjustments and redemptions tell the rewards site like credits do: an ordinary postback, queued in
// the entry's transaction, delivered by the worker to a receiver on loopback and signed as any
// other, on both stores. A postback hears of them only when its status filter names them.
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.ts';
import { type Receiver, startReceiver, workerContext } from '../../test/support/receiver.ts';
import { createRewardsWorld, type RewardsWorld } from '../../test/support/rewards-world.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { BREAKER_NEVER_OPENS } from '../deliveries/transport/circuit-breaker.ts';
import { type DeliveryWorker, startDeliveryWorker } from '../deliveries/worker/delivery-worker.ts';

describeEachStore('postbacks of adjustments and redemptions', (current) => {
  let t: TestApp;
  let receiver: Receiver;
  let worker: DeliveryWorker;
  beforeAll(async () => {
    t = await startTestApp(current().store);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    receiver = await startReceiver();
    worker = startDeliveryWorker(workerContext(current().store), {
      retrySchedule: [10, 20],
      pollMs: 50,
      breaker: BREAKER_NEVER_OPENS,
    });
  });
  afterEach(async () => {
    await worker.stop();
    await receiver.close();
  });

  const userPath = (w: RewardsWorld, user: string, kind: string) =>
    `/publishers/${w.publisherId}/rewards/users/${user}/${kind}`;

  async function postbackFor(w: RewardsWorld, statuses: string[]) {
    const created = await w.admin('POST', '/postbacks', {
      publisherId: w.publisherId,
      url: `${receiver.url}/cb`,
      method: 'POST',
      bodyFormat: 'json',
      bodyTemplate:
        '{"user":"{user_id}","points":{points},"balance":{balance},"entry":"{ledger_entry_id}","kind":"{reward_kind}","conversion":"{conversion_id}"}',
      statuses,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id as number;
  }

  /** The bodies the receiver got, each verified against the publisher's signing secret. */
  async function verifiedBodies(w: RewardsWorld, count: number) {
    await worker.drained();
    expect(receiver.hits).toHaveLength(count);
    const { signing_secret: secret } = await current()
      .store.db.selectFrom('publishers')
      .select('signing_secret')
      .where('id', '=', w.publisherId)
      .executeTakeFirstOrThrow();
    return receiver.hits.map((hit) =>
      new Webhook(secret).verify(hit.body, hit.headers as Record<string, string>),
    );
  }

  it('delivers an adjustment and a redemption once each, signed, with the reward macros', async () => {
    const w = await createRewardsWorld(t.url);
    await postbackFor(w, ['approved', 'adjustment', 'redemption']);
    const grant = await w.admin('POST', userPath(w, 'ann', 'adjustments'), {
      points: 500,
      idempotencyKey: 'welcome',
    });
    expect(grant.status).toBe(201);
    const spend = { points: 120, idempotencyKey: 'gift-card-1' };
    const redeemed = await w.admin('POST', userPath(w, 'ann', 'redemptions'), spend);
    expect(redeemed.status).toBe(201);
    // The same request again is answered from the ledger and queues nothing more.
    expect((await w.admin('POST', userPath(w, 'ann', 'redemptions'), spend)).status).toBe(200);
    const bodies = await verifiedBodies(w, 2);
    expect(bodies).toEqual(
      expect.arrayContaining([
        {
          user: 'ann',
          points: 500,
          balance: 500,
          entry: String(grant.body.id),
          kind: 'adjustment',
          conversion: '',
        },
        {
          user: 'ann',
          points: -120,
          balance: 380,
          entry: String(redeemed.body.id),
          kind: 'redemption',
          conversion: '',
        },
      ]),
    );
    const deliveries = await w.admin('GET', `/deliveries?publisherId=${w.publisherId}`);
    expect(deliveries.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rewardEntryId: grant.body.id, conversionId: null, status: 'succeeded' }),
        expect.objectContaining({ rewardEntryId: redeemed.body.id, conversionId: null, status: 'succeeded' }),
      ]),
    );
  });

  it('fires only the postbacks whose filter names the kind; a refused redemption fires nothing', async () => {
    const w = await createRewardsWorld(t.url);
    await postbackFor(w, ['approved']);
    await postbackFor(w, ['redemption']);
    expect(
      (await w.admin('POST', userPath(w, 'bo', 'adjustments'), { points: 50, idempotencyKey: 'a' })).status,
    ).toBe(201);
    const refused = await w.admin('POST', userPath(w, 'bo', 'redemptions'), {
      points: 80,
      idempotencyKey: 'too-much',
    });
    expect(refused.body.error?.code).toBe('insufficient_balance');
    const ok = await w.admin('POST', userPath(w, 'bo', 'redemptions'), { points: 30, idempotencyKey: 'b' });
    expect(ok.status).toBe(201);
    const bodies = await verifiedBodies(w, 1);
    expect(bodies).toMatchObject([{ user: 'bo', points: -30, balance: 20, kind: 'redemption' }]);
  });

  it('refuses a status filter word it does not know', async () => {
    const w = await createRewardsWorld(t.url);
    const bad = await w.admin('POST', '/postbacks', {
      publisherId: w.publisherId,
      url: `${receiver.url}/cb`,
      statuses: ['refund'],
    });
    expect(bad.status).toBe(400);
  });
  it('refuses adjustment and redemption on a postback that is not a global URL postback', async () => {
    const w = await createRewardsWorld(t.url);
    const scoped = await w.admin('POST', '/postbacks', {
      publisherId: w.publisherId,
      url: `${receiver.url}/cb`,
      scope: 'offer',
      offerId: w.offerId,
      statuses: ['approved', 'adjustment'],
    });
    expect(scoped.status).toBe(400);
    expect(scoped.body.error.code).toBe('validation_failed');
    const id = await postbackFor(w, ['approved', 'redemption']);
    const narrowed = await w.admin('PATCH', `/postbacks/${id}`, { scope: 'offer', offerId: w.offerId });
    expect(narrowed.status).toBe(400);
    const left = await w.admin('PATCH', `/postbacks/${id}`, { statuses: ['approved'] });
    expect(left.status).toBe(200);
    const thenNarrowed = await w.admin('PATCH', `/postbacks/${id}`, { scope: 'offer', offerId: w.offerId });
    expect(thenNarrowed.status).toBe(200);
  });
});
