// Meta Conversions API end to end over real HTTP: click with an fbclid → inbound postback → the
// worker's batch reaches the Meta fake, which validates every field before counting it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sha256Hex } from '../../src/integrations/common/user-hashing.ts';
import { type AdPlatformWorld, type Json, startAdPlatformWorld } from '../support/ad-platform-world.ts';
import { type MetaFake, startMetaFake } from '../support/fakes/meta-fake.ts';
import { describeEachStore } from '../support/stores.ts';

const PIXEL = '1234567890123456';
const TOKEN = 'EAABmetaTokenValue9876';

describeEachStore('Meta Conversions API destination', (current) => {
  let meta: MetaFake;
  let world: AdPlatformWorld;
  let postbackId: number;

  beforeAll(async () => {
    meta = await startMetaFake({ pixelId: PIXEL, accessToken: TOKEN });
    world = await startAdPlatformWorld(current().store, { metaApiUrl: meta.url });
    const created = await world.api('POST', '/postbacks', {
      publisherId: world.publisherId,
      kind: 'meta_capi',
      destination: { pixelId: PIXEL, accessToken: TOKEN, testEventCode: 'TEST4242' },
      eventMap: [
        { status: 'approved', event: 'Purchase' },
        { status: 'approved', goal: 'registration', event: 'CompleteRegistration' },
        { status: 'reversed', event: 'Refund' },
      ],
      value: 'payout',
    });
    expect(created.status).toBe(201);
    postbackId = created.body.id;
  });

  afterAll(async () => {
    await world.close();
    await meta.close();
  });

  it('shows the token only as set with its last four characters', async () => {
    const read = await world.api('GET', `/postbacks/${postbackId}`);
    expect(read.body.destination).toEqual({
      pixelId: PIXEL,
      testEventCode: 'TEST4242',
      accessToken: { set: true, lastFour: '9876' },
    });
    expect(JSON.stringify(read.body)).not.toContain(TOKEN);
    expect(read.body.statuses.sort()).toEqual(['approved', 'reversed']);
  });

  it('forwards an approved conversion with fbc built from the fbclid and the click time in ms', async () => {
    const fbclid = 'IwAR2x-Ab_cD3eFgHiJkLmNoPqRsTuVwXyZ';
    const clickId = await world.click({ fbclid, cid: ' Buyer-42 ' });
    const conversionId = await world.report(clickId, 'approved');
    const [delivery] = await world.settled(postbackId, 1);
    expect(delivery.status).toBe('succeeded');
    const event = meta.events.find((e) => e.event_id === delivery.id) as Json;
    expect(event).toBeDefined();
    const click = await world.api('GET', `/clicks/${clickId}`);
    const clickAt = click.body.createdAt as number;
    expect(event.user_data.fbc).toBe(`fb.1.${clickAt}.${fbclid}`);
    expect(String(clickAt)).toHaveLength(13);
    expect(event.user_data.client_ip_address).toBe('203.0.113.7');
    expect(event.user_data.client_user_agent).toContain('iPhone');
    expect(event.user_data.external_id).toEqual([sha256Hex('buyer-42')]);
    expect(event).toMatchObject({
      event_name: 'Purchase',
      action_source: 'website',
      event_source_url: 'https://shop.example/landing',
      custom_data: { value: 12.5, currency: 'usd' },
    });
    expect(Math.abs(event.event_time - Date.now() / 1000)).toBeLessThan(60);
    const detail = await world.api('GET', `/deliveries/${delivery.id}`);
    const attempt = detail.body.attemptLog[0];
    expect(attempt.traceId).toMatch(/^A/);
    expect(attempt.url).toContain('access_token=REDACTED');
    expect(JSON.stringify(detail.body)).not.toContain(TOKEN);
    expect(JSON.parse(attempt.requestBody).data).toHaveLength(1);
    expect(attempt.responseExcerpt).toContain('"events_received":1');
    expect(conversionId).not.toBe('');
  });

  it('"Test conversion" sends one event with the test_event_code and says where to look', async () => {
    const before = meta.events.length;
    const res = await world.api('POST', `/postbacks/${postbackId}/test`);
    expect(res.status).toBe(200);
    expect(res.body.explanation).toBe(
      "Meta received 1 event(s). Look for it under Test events with code TEST4242 in Meta's Events Manager.",
    );
    expect(meta.testEvents.at(-1)?.code).toBe('TEST4242');
    expect(meta.events.length).toBe(before);
    expect(res.body.request.url).toContain('access_token=REDACTED');
  });

  it('resends a delivery by hand through the platform', async () => {
    const clickId = await world.click({ fbclid: 'fbclidManual' });
    const conversionId = await world.report(clickId, 'approved');
    await world.settled(postbackId, 2);
    const page = await world.api('GET', `/deliveries?conversionId=${conversionId}`);
    const resent = await world.api('POST', `/deliveries/${page.body.data[0].id}/retry`);
    expect(resent.body.status).toBe('succeeded');
    expect(resent.body.attemptLog.map((a: Json) => a.trigger)).toEqual(['scheduled', 'manual']);
    expect(meta.events.filter((e) => (e.user_data as Json).fbc.endsWith('.fbclidManual'))).toHaveLength(2);
  });

  it('sends the conversions due together in one request, each with its own attempt', async () => {
    await world.api('POST', `/postbacks/${postbackId}/disable`);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(await world.report(await world.click({ fbclid: `fbclidBatch${i}` }), 'approved'));
    const requestsBefore = meta.requests;
    const released = await world.api('POST', `/postbacks/${postbackId}/enable`, { releaseHeld: true });
    expect(released.body.released).toBe(5);
    await world.settled(postbackId, 7);
    expect(meta.requests - requestsBefore).toBe(1);
    for (const id of ids) {
      const page = await world.api('GET', `/deliveries?conversionId=${id}`);
      const detail = await world.api('GET', `/deliveries/${page.body.data[0].id}`);
      expect(detail.body.status).toBe('succeeded');
      expect(detail.body.attemptLog).toHaveLength(1);
      expect(JSON.parse(detail.body.attemptLog[0].requestBody).data[0].event_id).toBe(detail.body.id);
    }
  });

  it('sends the configured event for a reversal', async () => {
    const clickId = await world.click({ fbclid: 'fbclidForReversal' });
    await world.report(clickId, 'approved', 'REV-1');
    await world.report(clickId, 'reversed', 'REV-1');
    const deliveries = await world.settled(postbackId, 9);
    expect(deliveries.every((d) => d.status === 'succeeded')).toBe(true);
    const names = meta.events
      .filter((e) => (e.user_data as Json).fbc.endsWith('.fbclidForReversal'))
      .map((e) => e.event_name);
    expect(names.sort()).toEqual(['Purchase', 'Refund']);
  });

  it('skips a conversion whose click has no fbclid, and says why', async () => {
    const before = meta.events.length;
    const clickId = await world.click({ sub1: 'no-fbclid' });
    const conversionId = await world.report(clickId, 'approved');
    const page = await world.api('GET', `/deliveries?conversionId=${conversionId}`);
    const id = page.body.data[0].id;
    await world.settled(postbackId, 10);
    const detail = await world.api('GET', `/deliveries/${id}`);
    expect(detail.body.status).toBe('cancelled');
    expect(detail.body.lastError).toContain('no fbclid');
    expect(detail.body.attemptLog).toEqual([]);
    expect(meta.events.length).toBe(before);
  });

  it('retries a transient error and a rate limit, then delivers once', async () => {
    meta.failNext('transient');
    meta.failNext('rate_limit');
    const clickId = await world.click({ fbclid: 'fbclidTransient' });
    const conversionId = await world.report(clickId, 'approved');
    await world.settled(postbackId, 11);
    const page = await world.api('GET', `/deliveries?conversionId=${conversionId}`);
    const detail = await world.api('GET', `/deliveries/${page.body.data[0].id}`);
    expect(detail.body.status).toBe('succeeded');
    expect(detail.body.attemptLog.map((a: Json) => a.errorMessage)).toEqual([
      expect.stringContaining('Meta error 2'),
      expect.stringContaining('User request limit reached'),
      null,
    ]);
    expect(meta.events.filter((e) => (e.user_data as Json).fbc.endsWith('.fbclidTransient'))).toHaveLength(1);
  });

  it("fails a malformed event with Meta's message and does not retry it", async () => {
    meta.failNext('invalid');
    const clickId = await world.click({ fbclid: 'fbclidInvalid' });
    const conversionId = await world.report(clickId, 'approved');
    await world.settled(postbackId, 12);
    const page = await world.api('GET', `/deliveries?conversionId=${conversionId}`);
    const detail = await world.api('GET', `/deliveries/${page.body.data[0].id}`);
    expect(detail.body.status).toBe('failed');
    expect(detail.body.lastError).toBe('Meta error 100: Invalid parameter value for custom_data.value');
    expect(detail.body.attemptLog).toHaveLength(1);
  });

  it('a refused token holds the destination and its deliveries, and says so', async () => {
    meta.failNext('bad_token');
    const clickId = await world.click({ fbclid: 'fbclidBadToken' });
    const conversionId = await world.report(clickId, 'approved');
    await world.settled(postbackId, 13);
    const page = await world.api('GET', `/deliveries?conversionId=${conversionId}`);
    expect(page.body.data[0].status).toBe('held');
    const postback = await world.api('GET', `/postbacks/${postbackId}`);
    expect(postback.body.state).toBe('held');
    expect(postback.body.disabledReason).toContain('Invalid OAuth 2.0 access token');
    const enabled = await world.api('POST', `/postbacks/${postbackId}/enable`, { releaseHeld: true });
    expect(enabled.body.released).toBe(1);
    await world.settled(postbackId, 13);
    const again = await world.api('GET', `/deliveries?conversionId=${conversionId}`);
    expect(again.body.data[0].status).toBe('succeeded');
  });

  it("sends the fbp the link or the tracker's _fbp cookie carried, as received and unhashed", async () => {
    const fromLink = 'fb.1.1596403881668.1116446470';
    const fromCookie = 'fb.2.1657051589577.1088522659.AQEAAQMB';
    const linkClick = await world.click({ fbclid: 'fbclidFbpLink', fbp: fromLink });
    const cookieClick = await world.click(
      { fbclid: 'fbclidFbpCookie' },
      { cookie: `a=1; _fbp=${fromCookie}` },
    );
    // Seconds where Meta puts milliseconds: not Meta's format, so nothing is kept or sent.
    const badClick = await world.click({ fbclid: 'fbclidFbpBad', fbp: 'fb.1.1596403881.1116446470' });
    const conversions: string[] = [];
    for (const id of [linkClick, cookieClick, badClick]) conversions.push(await world.report(id, 'approved'));
    await world.settleMore(postbackId, 3);
    for (const id of conversions) expect((await world.deliveryOf(id)).status).toBe('succeeded');
    const sent = (suffix: string) =>
      meta.events.find((e) => (e.user_data as Json).fbc.endsWith(suffix))?.user_data as Json;
    expect(sent('.fbclidFbpLink').fbp).toBe(fromLink);
    expect(sent('.fbclidFbpCookie').fbp).toBe(fromCookie);
    expect(sent('.fbclidFbpBad')).not.toHaveProperty('fbp');
    expect((await world.api('GET', `/clicks/${linkClick}`)).body.fbp).toBe(fromLink);
    expect((await world.api('GET', `/clicks/${badClick}`)).body.fbp).toBeNull();
  });

  it("the Meta fake refuses an fbp that is not in Meta's format", async () => {
    const event = {
      event_name: 'Lead',
      event_time: Math.floor(Date.now() / 1000),
      action_source: 'system_generated',
      user_data: { fbp: 'fb.1.1596403881.1116446470' },
    };
    const res = await fetch(`${meta.url}/v26.0/${PIXEL}/events?access_token=${TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: [event] }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).error).toMatchObject({ code: 100, error_subcode: 2804019 });
  });
});
