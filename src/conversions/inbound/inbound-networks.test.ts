// Several advertisers on the one /postback endpoint, told apart by `network=`: each with its own
// allow-list, credentials and parameter names; presets shaped like a tracker's and an offerwall's
// callbacks; every refusal answered with its code and logged.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import {
  createInboundCatalog,
  type InboundCatalog,
  query,
  send,
} from '../../../test/support/inbound-fixtures.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import { ManualClock } from '../../shared/clock.ts';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

describeEachStore('inbound postbacks by network', (current) => {
  const clock = new ManualClock(Date.UTC(2026, 2, 1));
  let app: TestApp;
  let proxied: TestApp;
  let revboost: InboundCatalog;
  let everflow: InboundCatalog;
  let affise: InboundCatalog;
  let wall: InboundCatalog;
  let unsigned: InboundCatalog;
  const db = () => current().store.db;
  const lastLog = () =>
    db().selectFrom('postback_log').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
  const conversionOf = (clickId: string) =>
    db().selectFrom('conversions').selectAll().where('click_id', '=', clickId).executeTakeFirstOrThrow();
  const postback = (params: Record<string, string>, headers?: Record<string, string>) =>
    send(`${app.url}/postback?${query(params)}`, { headers });

  beforeAll(async () => {
    app = await startTestApp(current().store, { inboundRateLimitPerMinute: 0 }, clock);
    proxied = await startTestApp(
      current().store,
      { inboundRateLimitPerMinute: 0, trustedProxies: ['127.0.0.1'] },
      clock,
    );
    const now = clock.now();
    // Seed 004's own URL: its names are in the alias table already.
    revboost = await createInboundCatalog(db(), now, { network: 'revboost', ipAllowlist: ['127.0.0.1'] });
    everflow = await createInboundCatalog(db(), now, {
      network: 'everflow-net',
      preset: 'everflow',
      parameterMap: { goal: 'event_code' },
      ipAllowlist: ['127.0.0.0/8', '::1'],
      goals: [{ key: 'purchase', payout: 2, revenue: 4 }],
    });
    affise = await createInboundCatalog(db(), now, {
      network: 'affise-net',
      preset: 'affise',
      ipAllowlist: ['203.0.113.0/24'],
    });
    wall = await createInboundCatalog(db(), now, {
      network: 'rewardwall',
      preset: 'revtoo',
      signatureSecret: 'wall-secret',
    });
    unsigned = await createInboundCatalog(db(), now, { network: 'nosecret', preset: 'revtoo' });
  });
  afterAll(async () => {
    await app.close();
    await proxied.close();
  });

  it("records seed 004's URL on its network, with the token as its secret", async () => {
    const clickId = await revboost.click(clock.now());
    const answer = await postback({
      network: 'revboost',
      click_id: clickId,
      offer_id: String(revboost.offerId),
      payout: '3.50',
      tx_id: 'RB-1',
      sub1: 'user-7',
      secret: revboost.token,
    });
    expect(answer).toMatchObject({ status: 200, body: { result: 'accepted', code: 'conversion_created' } });
    expect(await conversionOf(clickId)).toMatchObject({
      advertiser_id: revboost.advertiserId,
      txn_id: 'RB-1',
      revenue: 3.5,
    });
    expect(await lastLog()).toMatchObject({ advertiser_id: revboost.advertiserId, click_id: clickId });
    expect((await lastLog()).url).toContain('secret=REDACTED');
  });

  it('reads an Everflow-shaped postback by its names: transaction_id is the click, not the txn id', async () => {
    const clickId = await everflow.click(clock.now());
    const answer = await postback({
      network: 'EverFlow-Net',
      token: everflow.token,
      transaction_id: clickId,
      order_id: 'ORD-9',
      amount: '120.00',
      event_code: 'purchase',
      txn_id: 'ignored',
    });
    expect(answer.body).toMatchObject({ result: 'accepted', code: 'conversion_created' });
    expect(await conversionOf(clickId)).toMatchObject({
      advertiser_id: everflow.advertiserId,
      txn_id: 'ORD-9',
      goal: 'purchase',
      sale_amount: 120,
      revenue: 4,
      payout: 2,
    });
    expect(await lastLog()).toMatchObject({ click_id: clickId, txn_id: 'ORD-9' });
  });

  it("maps an Affise network's status codes, from an address on its allow-list", async () => {
    const clickId = await affise.click(clock.now());
    const hit = (status: string, from: string) =>
      send(
        `${proxied.url}/postback?${query({ network: 'affise-net', key: affise.token, clickid: clickId, action_id: 'A-1', sum: '5', status })}`,
        { headers: { 'x-forwarded-for': from } },
      );
    expect((await hit('2', '203.0.113.9')).body).toMatchObject({
      code: 'conversion_created',
      status: 'pending',
    });
    expect((await hit('3', '203.0.113.9')).body).toMatchObject({
      code: 'status_changed',
      status: 'declined',
    });
    expect(await hit('1', '198.51.100.1')).toEqual({
      status: 403,
      body: { result: 'rejected', code: 'ip_not_allowed' },
    });
    expect(await lastLog()).toMatchObject({ code: 'ip_not_allowed', advertiser_id: affise.advertiserId });
  });

  it("accepts an offerwall's signed callback without a token and its chargeback reverses it", async () => {
    const clickId = await wall.click(clock.now());
    const callback = (status: string, signature?: string) =>
      postback({
        network: 'rewardwall',
        subId: clickId,
        transId: 'W-1',
        reward: '350',
        payout: '3.5',
        status,
        signature: signature ?? md5(`${clickId}W-1350wall-secret`),
      });
    expect((await callback('1')).body).toMatchObject({ code: 'conversion_created', status: 'approved' });
    expect((await callback('2')).body).toMatchObject({ code: 'status_changed', status: 'reversed' });
    expect(await conversionOf(clickId)).toMatchObject({ txn_id: 'W-1', revenue: 3.5, status: 'reversed' });
    expect(await callback('1', md5(`${clickId}W-1350other`))).toEqual({
      status: 403,
      body: { result: 'rejected', code: 'bad_signature' },
    });
    expect(await lastLog()).toMatchObject({ code: 'bad_signature', advertiser_id: wall.advertiserId });
  });

  it('refuses what the network name alone cannot prove, each with its code, and logs it', async () => {
    const clickId = await revboost.click(clock.now());
    const cases: [Record<string, string>, string, number | null][] = [
      [{ network: 'nobody', token: revboost.token, click_id: clickId }, 'unknown_network', null],
      [{ network: 'Bad Slug!', token: revboost.token, click_id: clickId }, 'unknown_network', null],
      [{ network: '', token: revboost.token, click_id: clickId }, 'unknown_network', null],
      [{ network: 'revboost', click_id: clickId }, 'missing_token', revboost.advertiserId],
      [{ network: 'revboost', token: everflow.token, click_id: clickId }, 'bad_token', revboost.advertiserId],
      [
        { network: 'revboost', secret: `${revboost.token}x`, click_id: clickId },
        'bad_token',
        revboost.advertiserId,
      ],
      [
        { network: 'nosecret', subid: clickId, signature: md5('x') },
        'signature_not_configured',
        unsigned.advertiserId,
      ],
      [{ network: 'rewardwall', subid: clickId }, 'missing_token', wall.advertiserId],
    ];
    for (const [params, code, advertiserId] of cases) {
      const answer = await postback(params);
      expect({ params, ...answer }).toEqual({ params, status: 403, body: { result: 'rejected', code } });
      const log = await lastLog();
      expect({ params, code: log.code, advertiserId: log.advertiser_id }).toEqual({
        params,
        code,
        advertiserId,
      });
      expect(log.url).not.toContain(revboost.token);
    }
    expect(
      await db().selectFrom('conversions').select('id').where('click_id', '=', clickId).execute(),
    ).toEqual([]);
  });

  it('keeps the path token in charge on the advertiser URL, whatever network= says', async () => {
    const clickId = await revboost.click(clock.now());
    const answer = await send(
      `${app.url}/postback/${revboost.token}?${query({ network: 'nobody', click_id: clickId })}`,
    );
    expect(answer.body).toMatchObject({ code: 'conversion_created' });
  });

  it('sees a new network slug at once after an API change on this node', async () => {
    const clickId = await revboost.click(clock.now());
    const before = await postback({ network: 'revboost-2', token: revboost.token, click_id: clickId });
    expect(before.body.code).toBe('unknown_network');
    await db()
      .updateTable('advertisers')
      .set({ network: 'revboost-2' })
      .where('id', '=', revboost.advertiserId)
      .execute();
    app.ctx.events.emit('catalog.changed');
    const after = await postback({ network: 'revboost-2', token: revboost.token, click_id: clickId });
    expect(after.body.code).toBe('conversion_created');
    const old = await postback({ network: 'revboost', token: revboost.token, click_id: clickId });
    expect(old.body.code).toBe('unknown_network');
  });
});
