// Google end to end over real HTTP: gclid / gbraid click → inbound postback → the Google fake, first
// through the Data Manager API (the default), then the legacy click upload with partial failures.
// Access tokens come from the fake's OAuth endpoint and expire.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AdPlatformWorld, type Json, startAdPlatformWorld } from '../support/ad-platform-world.ts';
import { type GoogleFake, startGoogleFake } from '../support/fakes/google-fake.ts';
import { describeEachStore } from '../support/stores.ts';

const G = {
  clientId: 'client-123.apps.googleusercontent.com',
  clientSecret: 'GOCSPX-clientsecret-7777',
  refreshToken: '1//refresh-token-abcd',
  customerId: '1234567890',
  conversionActionId: '555555',
  developerToken: 'devtoken-ABCDEF-9999',
};

describeEachStore('Google Ads destination', (current) => {
  let google: GoogleFake;
  let world: AdPlatformWorld;
  let postbackId: number;
  const settle = (n: number) => world.settleMore(postbackId, n);
  const deliveryOf = (conversionId: string) => world.deliveryOf(conversionId);

  beforeAll(async () => {
    google = await startGoogleFake(G);
    world = await startAdPlatformWorld(current().store, {
      googleDataManagerUrl: google.url,
      googleAdsApiUrl: google.url,
      googleOauthUrl: `${google.url}/token`,
    });
    const created = await world.api('POST', '/postbacks', {
      publisherId: world.publisherId,
      kind: 'google_ads',
      destination: {
        operatingAccountId: G.customerId,
        conversionActionId: G.conversionActionId,
        clientId: G.clientId,
        clientSecret: G.clientSecret,
        refreshToken: G.refreshToken,
      },
      eventMap: [
        { status: 'approved', event: 'purchase' },
        { status: 'reversed', event: 'purchase' },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body.destination).toMatchObject({
      api: 'data_manager',
      clientSecret: { set: true, lastFour: '7777' },
      refreshToken: { set: true, lastFour: 'abcd' },
    });
    postbackId = created.body.id;
  });

  afterAll(async () => {
    await world.close();
    await google.close();
  });

  it('sends the gclid exactly as captured, an RFC 3339 time and the conversion id as transactionId', async () => {
    const gclid = 'Cj0KCQjw-CaSe_Sensitive';
    const clickId = await world.click({ gclid });
    const conversionId = await world.report(clickId, 'approved');
    await settle(1);
    const delivery = await deliveryOf(conversionId);
    expect(delivery.status).toBe('succeeded');
    const event = google.events.find((e) => e.transactionId === conversionId) as Json;
    expect(event.adIdentifiers).toEqual({ gclid });
    expect(event.eventTimestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(event).toMatchObject({ conversionValue: 12.5, currency: 'USD', eventSource: 'WEB' });
    expect(delivery.attemptLog[0].traceId).toMatch(/^dm/);
    expect(delivery.attemptLog[0].requestHeaders.authorization).toBe('Bearer REDACTED');
    expect(JSON.stringify(delivery)).not.toContain(G.refreshToken);
  });

  it('refreshes the access token when Google stops taking it, and when it runs out', async () => {
    const issued = google.tokensIssued;
    google.expireTokens();
    google.tokenLifetimeMs = 1_000; // the client refreshes such a short-lived token at half its life
    const first = await world.click({ gbraid: 'GBRAID-abc_1' });
    const firstId = await world.report(first, 'approved');
    await settle(1);
    // Answered 401, refreshed, sent again within the same attempt.
    expect((await deliveryOf(firstId)).attemptLog).toHaveLength(1);
    expect(google.tokensIssued).toBe(issued + 1);
    await new Promise((r) => setTimeout(r, 600));
    const second = await world.click({ wbraid: 'WBRAID-xyz_2' });
    const secondId = await world.report(second, 'approved');
    await settle(1);
    expect((await deliveryOf(secondId)).status).toBe('succeeded');
    expect(google.tokensIssued).toBe(issued + 2);
    expect(google.events.map((e) => e.adIdentifiers)).toEqual(
      expect.arrayContaining([{ gbraid: 'GBRAID-abc_1' }, { wbraid: 'WBRAID-xyz_2' }]),
    );
    google.tokenLifetimeMs = 3_599_000;
  });

  it('"Test conversion" validates a sample with validateOnly and records nothing', async () => {
    const before = google.events.length;
    const res = await world.api('POST', `/postbacks/${postbackId}/test`);
    expect(res.status).toBe(200);
    expect(res.body.explanation).toContain('validateOnly');
    expect(JSON.parse(res.body.request.body).validateOnly).toBe(true);
    expect(google.events.length).toBe(before);
    expect(google.validated).toBeGreaterThan(0);
  });

  it('records a reversal as not forwarded to Google, with the reason', async () => {
    const clickId = await world.click({ gclid: 'gclidReversal' });
    const conversionId = await world.report(clickId, 'approved', 'G-REV');
    await world.report(clickId, 'reversed', 'G-REV');
    await settle(2);
    const page = await world.api('GET', `/deliveries?conversionId=${conversionId}`);
    const reversal = page.body.data.find((d: Json) => d.status === 'cancelled');
    expect(reversal.lastError).toContain('reversal not forwarded to Google');
  });

  it('retries RESOURCE_EXHAUSTED', async () => {
    google.failNext('rate_limit');
    const clickId = await world.click({ gclid: 'gclidQuota' });
    const conversionId = await world.report(clickId, 'approved');
    await settle(1);
    const delivery = await deliveryOf(conversionId);
    expect(delivery.status).toBe('succeeded');
    expect(delivery.attemptLog[0].errorMessage).toContain('RESOURCE_EXHAUSTED');
  });

  it('legacy click upload: a partial failure retries only the failed row', async () => {
    const patched = await world.api('PATCH', `/postbacks/${postbackId}`, {
      destination: { api: 'click_upload', developerToken: G.developerToken },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.destination.clientSecret).toEqual({ set: true, lastFour: '7777' });
    await world.api('POST', `/postbacks/${postbackId}/disable`);
    google.tooRecentOnce.add('gclidTooRecent');
    const a = await world.click({ gclid: 'gclidFine' });
    const b = await world.click({ gclid: 'gclidTooRecent' });
    const c = await world.click({ gclid: 'bad gclid!' });
    const ids = [
      await world.report(a, 'approved'),
      await world.report(b, 'approved'),
      await world.report(c, 'approved'),
    ];
    // Released together, the three go out in one batch request.
    const requestsBefore = google.requests;
    await world.api('POST', `/postbacks/${postbackId}/enable`, { releaseHeld: true });
    await settle(3);
    const [fine, recent, bad] = await Promise.all(ids.map(deliveryOf));
    expect(fine.status).toBe('succeeded');
    expect(fine.attemptLog).toHaveLength(1);
    expect(recent.status).toBe('succeeded');
    expect(recent.attemptLog.map((x: Json) => x.errorMessage)).toEqual([
      expect.stringContaining('TOO_RECENT_EVENT'),
      null,
    ]);
    expect(bad.status).toBe('failed');
    expect(bad.lastError).toContain('UNPARSEABLE_GCLID');
    expect(google.conversions.filter((x) => x.gclid === 'gclidFine')).toHaveLength(1);
    const sent = google.conversions.find((x) => x.gclid === 'gclidTooRecent') as Json;
    expect(sent.conversionDateTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\+00:00$/);
    expect(sent.orderId).toBe(ids[1]);
    // One request for the batch of three, one for the retried row, one OAuth refresh at most.
    expect(google.requests - requestsBefore).toBeLessThanOrEqual(3);
  });

  it('a revoked refresh token holds the destination', async () => {
    await world.api('PATCH', `/postbacks/${postbackId}`, {
      destination: { refreshToken: '1//revoked-token' },
    });
    google.tokenLifetimeMs = 1;
    const clickId = await world.click({ gclid: 'gclidRevoked' });
    const conversionId = await world.report(clickId, 'approved');
    await settle(1);
    const delivery = await deliveryOf(conversionId);
    expect(delivery.status).toBe('held');
    expect(delivery.lastError).toContain('invalid_grant');
  });
});
