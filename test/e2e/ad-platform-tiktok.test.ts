// TikTok Events API end to end over real HTTP: ttclid click → inbound postback → the TikTok fake,
// which answers errors with HTTP 200 and a non-zero code.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sha256Hex } from '../../src/integrations/common/user-hashing.ts';
import { type AdPlatformWorld, type Json, startAdPlatformWorld } from '../support/ad-platform-world.ts';
import { startTiktokFake, type TiktokFake } from '../support/fakes/tiktok-fake.ts';
import { describeEachStore } from '../support/stores.ts';

const PIXEL = 'CABCDEFGHIJ1234567';
const TOKEN = 'tiktok-access-token-55aa';

describeEachStore('TikTok Events API destination', (current) => {
  let tiktok: TiktokFake;
  let world: AdPlatformWorld;
  let postbackId: number;
  const settle = (n: number) => world.settleMore(postbackId, n);
  const deliveryOf = (conversionId: string) => world.deliveryOf(conversionId);

  beforeAll(async () => {
    tiktok = await startTiktokFake({ pixelCode: PIXEL, accessToken: TOKEN });
    world = await startAdPlatformWorld(current().store, { tiktokApiUrl: tiktok.url });
    const created = await world.api('POST', '/postbacks', {
      publisherId: world.publisherId,
      kind: 'tiktok_events',
      destination: { pixelCode: PIXEL, accessToken: TOKEN },
      eventMap: [{ status: 'approved', event: 'CompletePayment' }],
    });
    expect(created.status).toBe(201);
    postbackId = created.body.id;
  });

  afterAll(async () => {
    await world.close();
    await tiktok.close();
  });

  it('forwards ttclid under user, the pixel code as event_source_id and the delivery id as event_id', async () => {
    const clickId = await world.click({ ttclid: 'E.C.P.CqgBAbCdEf', cid: 'User_123' });
    const conversionId = await world.report(clickId, 'approved');
    await settle(1);
    const delivery = await deliveryOf(conversionId);
    expect(delivery.status).toBe('succeeded');
    const event = tiktok.events.find((e) => e.event_id === delivery.id) as Json;
    expect(event).toMatchObject({
      event: 'CompletePayment',
      user: { ttclid: 'E.C.P.CqgBAbCdEf', ip: '203.0.113.7', external_id: [sha256Hex('user_123')] },
      page: { url: 'https://shop.example/landing' },
      properties: { value: 12.5, currency: 'USD', order_id: conversionId },
    });
    expect(delivery.attemptLog[0].traceId).toMatch(/^2026/);
    expect(delivery.attemptLog[0].requestHeaders['access-token']).toBe('REDACTED');
    expect(JSON.stringify(delivery)).not.toContain(TOKEN);
  });

  it('"Test conversion" without a test code is refused; with one it reaches TikTok\'s test events', async () => {
    const refused = await world.api('POST', `/postbacks/${postbackId}/test`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('testEventCode');
    await world.api('PATCH', `/postbacks/${postbackId}`, { destination: { testEventCode: 'TEST777' } });
    const res = await world.api('POST', `/postbacks/${postbackId}/test`);
    expect(res.body.explanation).toContain('TikTok accepted 1 event(s)');
    expect(tiktok.testEvents.at(-1)?.code).toBe('TEST777');
  });

  it('records a reversal as not forwarded when the event map has no reversal event', async () => {
    const clickId = await world.click({ ttclid: 'E.C.P.reversal' });
    const conversionId = await world.report(clickId, 'approved', 'TT-REV');
    await settle(1);
    await world.api('PATCH', `/postbacks/${postbackId}`, { statuses: ['approved', 'reversed'] });
    await world.report(clickId, 'reversed', 'TT-REV');
    await settle(1);
    const page = await world.api('GET', `/deliveries?conversionId=${conversionId}`);
    const reversal = page.body.data.find((d: Json) => d.status === 'cancelled');
    expect(reversal.lastError).toContain('reversal not forwarded');
  });

  it('treats a rate limit answered as HTTP 200 + code 42900 as transient, and retries', async () => {
    tiktok.failNext('rate_limit');
    const clickId = await world.click({ ttclid: 'E.C.P.ratelimited' });
    const conversionId = await world.report(clickId, 'approved');
    await settle(1);
    const delivery = await deliveryOf(conversionId);
    expect(delivery.status).toBe('succeeded');
    expect(delivery.attemptLog[0]).toMatchObject({
      statusCode: 200,
      errorMessage: expect.stringContaining('42900'),
    });
    expect(tiktok.events.filter((e) => (e.user as Json).ttclid === 'E.C.P.ratelimited')).toHaveLength(1);
  });

  it('retries a transient failure (HTTP 503, code 50002) and delivers once', async () => {
    tiktok.failNext('transient');
    const clickId = await world.click({ ttclid: 'E.C.P.unavailable' });
    const conversionId = await world.report(clickId, 'approved');
    await settle(1);
    const delivery = await deliveryOf(conversionId);
    expect(delivery.status).toBe('succeeded');
    expect(delivery.attemptLog.map((a: Json) => a.statusCode)).toEqual([503, 200]);
    expect(delivery.attemptLog[0].errorMessage).toContain('50002');
    expect(tiktok.events.filter((e) => (e.user as Json).ttclid === 'E.C.P.unavailable')).toHaveLength(1);
  });

  it("fails a permanently refused event with TikTok's message, without retrying", async () => {
    tiktok.failNext('invalid');
    const clickId = await world.click({ ttclid: 'E.C.P.badevent' });
    const conversionId = await world.report(clickId, 'approved');
    await settle(1);
    const delivery = await deliveryOf(conversionId);
    expect(delivery.status).toBe('failed');
    expect(delivery.lastError).toBe(
      'TikTok error 40002: Invalid value for event_time: not a valid timestamp.',
    );
    expect(delivery.attemptLog).toHaveLength(1);
  });

  it('a refused access token (code 40105) holds the destination until it is enabled again', async () => {
    tiktok.failNext('bad_token');
    const clickId = await world.click({ ttclid: 'E.C.P.badtoken' });
    const conversionId = await world.report(clickId, 'approved');
    await settle(1);
    const delivery = await deliveryOf(conversionId);
    expect(delivery.status).toBe('held');
    expect(delivery.lastError).toContain('40105');
    const postback = await world.api('GET', `/postbacks/${postbackId}`);
    expect(postback.body.state).toBe('held');
    await world.api('POST', `/postbacks/${postbackId}/enable`, { releaseHeld: true });
    await settle(0);
    expect((await deliveryOf(conversionId)).status).toBe('succeeded');
  });
});
