// Inbound rules end to end over HTTP on both stores: each kind holds or rejects a new conversion,
// with its reason code on the conversion, in the answer and in the postback log; order and scope.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient, type Call, makeKey } from '../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../test/support/app.ts';
import {
  createInboundCatalog,
  type InboundCatalog,
  query,
  send,
} from '../../test/support/inbound-fixtures.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { ManualClock } from '../shared/clock.ts';

describeEachStore('inbound rules', (current) => {
  const clock = new ManualClock(Date.UTC(2026, 2, 1));
  let t: TestApp;
  let admin: Call;
  let n = 0;
  const db = () => current().store.db;
  beforeAll(async () => {
    t = await startTestApp(current().store, {}, clock);
    admin = apiClient(t.url, TEST_ADMIN_KEY);
  });
  afterAll(() => t.close());

  /** A fresh offer with one rule scoped to it. */
  async function withRule(rule: Record<string, unknown>, goals?: { key: string }[]): Promise<InboundCatalog> {
    const catalog = await createInboundCatalog(db(), clock.now(), { payout: 3.5, revenue: 5, goals });
    const created = await admin('POST', '/inbound-rules', {
      scope: 'offer',
      scopeId: catalog.offerId,
      ...rule,
    });
    expect(created.status).toBe(201);
    return catalog;
  }

  async function post(catalog: InboundCatalog, params: Record<string, string>, click?: string) {
    const clickId = click ?? (await catalog.click(clock.now() - 60_000));
    const answer = await send(
      `${t.url}/postback?${query({ token: catalog.token, click_id: clickId, txn_id: `t${++n}`, ...params })}`,
    );
    const log = await db()
      .selectFrom('postback_log')
      .selectAll()
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const conversion = answer.body.conversionId
      ? await db()
          .selectFrom('conversions')
          .selectAll()
          .where('id', '=', answer.body.conversionId)
          .executeTakeFirst()
      : undefined;
    const apiLog = (await admin('GET', '/postback-log?limit=1')).body.data[0];
    return { answer, log, conversion, apiLog };
  }

  function expectDecision(
    outcome: Awaited<ReturnType<typeof post>>,
    action: 'hold' | 'reject',
    reason: string,
  ): void {
    const code = action === 'hold' ? 'conversion_held' : 'conversion_rejected';
    expect(outcome.answer.status).toBe(200);
    expect(outcome.answer.body).toMatchObject({ code, reason });
    expect(outcome.log).toMatchObject({ code, reason, conversion_id: outcome.answer.body.conversionId });
    expect(outcome.apiLog).toMatchObject({ code, reason });
    expect(outcome.conversion).toMatchObject({
      status: action === 'hold' ? 'pending' : 'rejected',
      needs_review: 1,
      review_reason: `rule:${reason}`,
    });
  }

  const accepted = (outcome: Awaited<ReturnType<typeof post>>) => {
    expect(outcome.answer.body.code).toBe('conversion_created');
    expect(outcome.log.reason).toBeNull();
  };

  it('payout_ratio: holds a postback claiming far more than the offer pays (seed 004)', async () => {
    const c = await withRule({
      kind: 'payout_ratio',
      params: { maxRatio: 10 },
      action: 'hold',
      reasonCode: 'payout_too_high',
    });
    expectDecision(await post(c, { payout: '350.00' }), 'hold', 'payout_too_high');
    accepted(await post(c, { payout: '5.00' }));
    // No amount sent: the offer's own terms apply, nothing to compare.
    accepted(await post(c, {}));
  });

  it("payout_ratio below the minimum, scoped to the publisher: holds that publisher's only", async () => {
    const c = await createInboundCatalog(db(), clock.now(), { payout: 3.5, revenue: 5 });
    const other = await createInboundCatalog(db(), clock.now(), { payout: 3.5, revenue: 5 });
    const created = await admin('POST', '/inbound-rules', {
      scope: 'publisher',
      scopeId: c.publisherId,
      kind: 'payout_ratio',
      params: { minRatio: 0.5 },
      action: 'hold',
      reasonCode: 'payout_too_low',
    });
    expect(created.status).toBe(201);
    expectDecision(await post(c, { payout: '1.00' }), 'hold', 'payout_too_low');
    accepted(await post(c, { payout: '4.00' }));
    accepted(await post(other, { payout: '1.00' }));
  });

  it('payout_range: rejects an amount outside the range', async () => {
    const c = await withRule({
      kind: 'payout_range',
      params: { min: 1, max: 20 },
      action: 'reject',
      reasonCode: 'payout_out_of_range',
    });
    expectDecision(await post(c, { payout: '25' }), 'reject', 'payout_out_of_range');
    expectDecision(await post(c, { payout: '0.5' }), 'reject', 'payout_out_of_range');
    accepted(await post(c, { payout: '20' }));
  });

  it('sale_amount: holds orders below the minimum', async () => {
    const c = await withRule({
      kind: 'sale_amount',
      params: { min: 10 },
      action: 'hold',
      reasonCode: 'small_order',
    });
    expectDecision(await post(c, { sale_amount: '9.99' }), 'hold', 'small_order');
    accepted(await post(c, { sale_amount: '10' }));
  });

  it('goal: holds the goals listed', async () => {
    const c = await withRule(
      { kind: 'goal', params: { in: ['purchase'] }, action: 'hold', reasonCode: 'purchase_review' },
      [{ key: 'install' }, { key: 'purchase' }],
    );
    expectDecision(await post(c, { goal: 'purchase' }), 'hold', 'purchase_review');
    accepted(await post(c, { goal: 'install' }));
  });

  it('country_mismatch: rejects when the conversion reports another country than the click', async () => {
    const c = await withRule({
      kind: 'country_mismatch',
      params: {},
      action: 'reject',
      reasonCode: 'geo_mismatch',
    });
    const clickFrom = async (country: string) => {
      const id = await c.click(clock.now() - 60_000);
      await db().updateTable('clicks').set({ country }).where('id', '=', id).execute();
      return id;
    };
    expectDecision(await post(c, { country: 'US' }, await clickFrom('DE')), 'reject', 'geo_mismatch');
    accepted(await post(c, { country: 'de' }, await clickFrom('DE')));
    // No country on the postback: nothing to compare.
    accepted(await post(c, {}, await clickFrom('DE')));
  });

  it('sub_id: rejects clicks whose sub id has a listed value', async () => {
    const c = await withRule({
      kind: 'sub_id',
      params: { sub: 'sub2', in: ['bot_farm'] },
      action: 'reject',
      reasonCode: 'blocked_source',
    });
    const clickWith = async (sub2: string) => {
      const id = await c.click(clock.now() - 60_000);
      await db().updateTable('clicks').set({ sub2 }).where('id', '=', id).execute();
      return id;
    };
    expectDecision(await post(c, {}, await clickWith('bot_farm')), 'reject', 'blocked_source');
    accepted(await post(c, {}, await clickWith('forum')));
    expect(
      (
        await admin('POST', '/inbound-rules', {
          scope: 'all',
          kind: 'sub_id',
          params: { sub: 'sub11' },
          action: 'hold',
          reasonCode: 'x',
        })
      ).status,
    ).toBe(400);
  });

  it('time_to_conversion: rejects injected clicks too fast, holds the ones too late', async () => {
    const fast = await withRule({
      kind: 'time_to_conversion',
      params: { minSeconds: 10 },
      action: 'reject',
      reasonCode: 'too_fast',
    });
    expectDecision(await post(fast, {}, await fast.click(clock.now() - 5_000)), 'reject', 'too_fast');
    accepted(await post(fast, {}, await fast.click(clock.now() - 11_000)));
    const late = await withRule({
      kind: 'time_to_conversion',
      params: { maxSeconds: 3600 },
      action: 'hold',
      reasonCode: 'too_late',
    });
    expectDecision(await post(late, {}, await late.click(clock.now() - 7_200_000)), 'hold', 'too_late');
  });

  it('runs in position order within scope; disabled rules and other scopes do not apply', async () => {
    const c = await withRule({
      position: 20,
      kind: 'payout_range',
      params: { max: 10 },
      action: 'reject',
      reasonCode: 'second',
    });
    await admin('POST', '/inbound-rules', {
      position: 10,
      scope: 'offer',
      scopeId: c.offerId,
      kind: 'payout_range',
      params: { max: 100 },
      action: 'hold',
      reasonCode: 'first',
    });
    await admin('POST', '/inbound-rules', {
      position: 0,
      scope: 'publisher',
      scopeId: c.publisherId + 100_000,
      kind: 'payout_range',
      params: { max: 1 },
      action: 'reject',
      reasonCode: 'elsewhere',
    });
    const off = await admin('POST', '/inbound-rules', {
      position: 1,
      scope: 'advertiser',
      scopeId: c.advertiserId,
      kind: 'payout_range',
      params: { max: 1 },
      action: 'reject',
      reasonCode: 'disabled',
      enabled: false,
    });
    expectDecision(await post(c, { payout: '500' }), 'hold', 'first');
    expectDecision(await post(c, { payout: '50' }), 'reject', 'second');
    accepted(await post(c, { payout: '5' }));
    // Enabled, the advertiser's rule comes first.
    expect((await admin('PATCH', `/inbound-rules/${off.body.id}`, { enabled: true })).status).toBe(200);
    expectDecision(await post(c, { payout: '5' }), 'reject', 'disabled');
    expect((await admin('DELETE', `/inbound-rules/${off.body.id}`)).status).toBe(204);
    accepted(await post(c, { payout: '5' }));
  });

  it('is the admin’s alone and refuses a scope without its id', async () => {
    const anonymous = apiClient(t.url, undefined);
    expect((await anonymous('GET', '/inbound-rules')).status).toBe(401);
    const bad = await admin('POST', '/inbound-rules', {
      scope: 'offer',
      kind: 'goal',
      params: {},
      action: 'hold',
      reasonCode: 'x',
    });
    expect(bad.status).toBe(400);
    expect(
      (
        await admin('POST', '/inbound-rules', {
          scope: 'all',
          kind: 'nope',
          params: {},
          action: 'hold',
          reasonCode: 'x',
        })
      ).status,
    ).toBe(400);
    expect((await admin('GET', '/inbound-rules')).body.data.length).toBeGreaterThan(0);
  });

  it('the review queue approves or rejects held conversions, one or many, with a reason', async () => {
    const c = await withRule({
      kind: 'payout_ratio',
      params: { maxRatio: 2 },
      action: 'hold',
      reasonCode: 'review_me',
    });
    const held = [];
    for (let i = 0; i < 3; i++)
      held.push((await post(c, { payout: '100' })).answer.body.conversionId as string);
    const queue = await admin('GET', `/conversions?status=pending&needsReview=true&offerId=${c.offerId}`);
    expect(queue.body.data.map((x: { id: string }) => x.id).sort()).toEqual([...held].sort());
    const approved = await admin('POST', '/conversions/review', {
      conversionIds: [held[0], held[1], 'nope'],
      status: 'approved',
      reason: 'checked with the network',
    });
    expect(approved.body.data).toEqual([
      { conversionId: held[0], status: 'approved' },
      { conversionId: held[1], status: 'approved' },
      { conversionId: 'nope', error: 'not_found' },
    ]);
    const rejected = await admin('POST', '/conversions/review', {
      conversionIds: [held[2]],
      status: 'rejected',
      reason: 'fraud',
    });
    expect(rejected.body.data).toEqual([{ conversionId: held[2], status: 'rejected' }]);
    const events = await db()
      .selectFrom('conversion_events')
      .selectAll()
      .where('conversion_id', '=', held[2])
      .orderBy('id')
      .execute();
    expect(events.at(-1)).toMatchObject({
      from_status: 'pending',
      to_status: 'rejected',
      source: 'manual',
      reason: 'fraud',
    });
    const publisherKey = apiClient(
      t.url,
      await makeKey(current().store, 'publisher', { publisherId: c.publisherId }),
    );
    expect(
      (
        await publisherKey('POST', '/conversions/review', {
          conversionIds: [held[0]],
          status: 'rejected',
          reason: 'x',
        })
      ).status,
    ).toBe(403);
  });
});
