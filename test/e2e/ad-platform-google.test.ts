// Google end to end over real HTTP: gclid / gbraid / wbraid click → inbound postback → the Google
// fake, first through the Data Manager API (the default; a delivery succeeds only once Google's
// request status says so), then the legacy click upload with partial failures and retractions.
// Access tokens come from the fake's OAuth endpoint and expire.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_HEALTH_POLICY } from '../../src/deliveries/endpoint-health.ts';
import { checkAwaitedRequests } from '../../src/deliveries/verify/request-check.service.ts';
import { createPlatformDeps, platformPost } from '../../src/deliveries/worker/platform-attempt.ts';
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
const HOUR = 3_600_000;

describeEachStore('Google Ads destination', (current) => {
  let google: GoogleFake;
  let world: AdPlatformWorld;
  let postbackId: number;
  let checker: NodeJS.Timeout;
  let checking = Promise.resolve();
  const settle = (n: number) => world.settleMore(postbackId, n);
  const deliveryOf = (conversionId: string) => world.deliveryOf(conversionId);
  /** Waits until Google has been asked about the request that carried this conversion. */
  async function reportAskedFor(conversionId: string): Promise<string> {
    for (;;) {
      const page = await world.api('GET', `/deliveries?conversionId=${conversionId}`);
      const requestId = page.body.data[0] && (await deliveryOf(conversionId)).attemptLog[0]?.traceId;
      if (requestId && google.statusReads.includes(requestId)) return requestId;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  beforeAll(async () => {
    google = await startGoogleFake(G);
    world = await startAdPlatformWorld(current().store, {
      googleDataManagerUrl: google.url,
      googleAdsApiUrl: google.url,
      googleOauthUrl: `${google.url}/token`,
    });
    // The periodic request check, run often and asking an hour early, so a check is never waited for.
    const platform = createPlatformDeps(world.app.ctx.config, 'trackwire-test');
    const deps = {
      db: world.app.ctx.store.db,
      log: world.app.ctx.log,
      endpoints: platform.endpoints,
      post: platformPost(platform.sender, 5_000),
      secretKey: platform.secretKey,
      health: DEFAULT_HEALTH_POLICY,
    };
    let busy = false;
    checker = setInterval(() => {
      if (busy) return;
      busy = true;
      checking = checkAwaitedRequests(deps, Date.now(), { dueWithinMs: HOUR })
        .then(() => undefined)
        .finally(() => {
          busy = false;
        });
    }, 30);
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
    clearInterval(checker);
    await checking;
    await world.close();
    await google.close();
  });

  it('sends the gclid exactly as captured and succeeds only once Google reports the request done', async () => {
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
    const [sent, report] = delivery.attemptLog;
    expect(sent).toMatchObject({ method: 'POST', errorMessage: null, traceId: expect.stringMatching(/^dm/) });
    expect(sent.requestHeaders.authorization).toBe('Bearer REDACTED');
    // Asked while Google was still processing, then answered SUCCESS: one report on the attempt.
    expect(google.statusReads.filter((r) => r === sent.traceId)).toHaveLength(2);
    expect(report).toMatchObject({ method: 'GET', attemptNo: 1, traceId: sent.traceId, errorMessage: null });
    expect(report.url).toContain(`requestStatus:retrieve?requestId=${sent.traceId}`);
    expect(JSON.parse(report.responseExcerpt).requestStatusPerDestination[0].requestStatus).toBe('SUCCESS');
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
    expect((await deliveryOf(firstId)).attemptLog.filter((a: Json) => a.method === 'POST')).toHaveLength(1);
    expect(google.tokensIssued).toBeGreaterThan(issued);
    const beforeSecond = google.tokensIssued;
    await new Promise((r) => setTimeout(r, 600));
    const second = await world.click({ wbraid: 'WBRAID-xyz_2' });
    const secondId = await world.report(second, 'approved');
    await settle(1);
    expect((await deliveryOf(secondId)).status).toBe('succeeded');
    expect(google.tokensIssued).toBeGreaterThan(beforeSecond);
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

  it('records a reversal as not forwarded through the Data Manager API, with the reason', async () => {
    const clickId = await world.click({ gclid: 'gclidReversal' });
    const conversionId = await world.report(clickId, 'approved', 'G-REV');
    await world.report(clickId, 'reversed', 'G-REV');
    await settle(2);
    const page = await world.api('GET', `/deliveries?conversionId=${conversionId}`);
    const reversal = page.body.data.find((d: Json) => d.status === 'cancelled');
    expect(reversal.lastError).toContain('reversal not forwarded to Google');
    expect(reversal.lastError).toContain('Data Manager API');
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

  it('fails a request Google refuses outright with its message, without retrying', async () => {
    google.failNext('invalid');
    const clickId = await world.click({ gclid: 'gclidRefused' });
    const conversionId = await world.report(clickId, 'approved');
    await settle(1);
    const delivery = await deliveryOf(conversionId);
    expect(delivery.status).toBe('failed');
    expect(delivery.attemptLog).toHaveLength(1);
    expect(delivery.lastError).toContain('INVALID_ARGUMENT');
    expect(delivery.lastError).toContain('Request contains an invalid argument.');
  });

  it('fails an event Google refuses while processing, with the reason it reports', async () => {
    google.processingErrors.set('gclidTooOld', 'PROCESSING_ERROR_REASON_EVENT_TOO_OLD');
    const clickId = await world.click({ gclid: 'gclidTooOld' });
    const conversionId = await world.report(clickId, 'approved');
    await settle(1);
    const delivery = await deliveryOf(conversionId);
    expect(delivery.status).toBe('failed');
    expect(delivery.lastError).toContain('Google Data Manager FAILED');
    expect(delivery.lastError).toContain('PROCESSING_ERROR_REASON_EVENT_TOO_OLD');
    expect(delivery.attemptLog.map((a: Json) => a.method)).toEqual(['POST', 'GET']);
  });

  it('sends again when processing failed transiently, or when Google no longer knows the request', async () => {
    google.processingErrorsOnce.set('gclidInternal', 'PROCESSING_ERROR_REASON_INTERNAL_ERROR');
    const clickId = await world.click({ gclid: 'gclidInternal' });
    const conversionId = await world.report(clickId, 'approved');
    await settle(1);
    const delivery = await deliveryOf(conversionId);
    expect(delivery.status).toBe('succeeded');
    expect(delivery.attemptLog.map((a: Json) => [a.method, a.attemptNo])).toEqual([
      ['POST', 1],
      ['GET', 1],
      ['POST', 2],
      ['GET', 2],
    ]);
    expect(delivery.attemptLog[1].errorMessage).toContain('PROCESSING_ERROR_REASON_INTERNAL_ERROR');

    google.processingPolls = 1_000; // Google keeps processing … until it forgets the request
    const lost = await world.click({ gclid: 'gclidForgotten' });
    const lostId = await world.report(lost, 'approved');
    await reportAskedFor(lostId);
    google.processingPolls = 1;
    google.forgetRequests();
    await settle(1);
    const resent = await deliveryOf(lostId);
    expect(resent.status).toBe('succeeded');
    expect(resent.attemptLog.find((a: Json) => a.statusCode === 404).errorMessage).toContain('NOT_FOUND');
    expect(google.events.filter((e) => e.transactionId === lostId)).toHaveLength(2);
  });

  it('a refresh token revoked before Google reports on a request holds the destination', async () => {
    google.processingPolls = 1_000;
    const clickId = await world.click({ gclid: 'gclidRevokedLater' });
    const conversionId = await world.report(clickId, 'approved');
    await reportAskedFor(conversionId);
    google.revokeRefreshToken();
    google.expireTokens();
    google.processingPolls = 1;
    await settle(1);
    const delivery = await deliveryOf(conversionId);
    expect(delivery.status).toBe('held');
    expect(delivery.lastError).toContain('Token has been expired or revoked.');
    expect(delivery.attemptLog.at(-1)).toMatchObject({ method: 'GET', statusCode: 0 });
    const postback = await world.api('GET', `/postbacks/${postbackId}`);
    expect(postback.body).toMatchObject({ state: 'held', enabled: false });
    expect(postback.body.disabledReason).toContain('invalid_grant');
    google.revokeRefreshToken(false);
    await world.api('POST', `/postbacks/${postbackId}/enable`, { releaseHeld: true });
    await settle(0);
    expect((await deliveryOf(conversionId)).status).toBe('succeeded');
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

  it('legacy click upload: a reversal retracts the conversion by its order id', async () => {
    const clickId = await world.click({ gclid: 'gclidRetract' });
    const conversionId = await world.report(clickId, 'approved', 'G-RETRACT');
    await settle(1);
    google.tooRecentAdjustmentOnce.add(conversionId);
    await world.report(clickId, 'reversed', 'G-RETRACT');
    await settle(1);
    const page = await world.api('GET', `/deliveries?conversionId=${conversionId}`);
    const [retraction] = [...page.body.data].sort(
      (x: Json, y: Json) => y.conversionEventId - x.conversionEventId,
    );
    const detail = await world.api('GET', `/deliveries/${retraction.id}`);
    expect(detail.body.status).toBe('succeeded');
    expect(detail.body.attemptLog.map((x: Json) => x.errorMessage)).toEqual([
      expect.stringContaining('TOO_RECENT_CONVERSION'),
      null,
    ]);
    expect(detail.body.attemptLog[1].url).toContain(':uploadConversionAdjustments');
    const adjustment = google.adjustments.find((x) => x.orderId === conversionId) as Json;
    expect(adjustment).toMatchObject({
      adjustmentType: 'RETRACTION',
      conversionAction: `customers/${G.customerId}/conversionActions/${G.conversionActionId}`,
    });
    expect(adjustment.adjustmentDateTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\+00:00$/);
    expect(adjustment.restatementValue).toBeUndefined();
  });

  it('legacy click upload: a conversion and its reversal released together go conversion first', async () => {
    await world.api('POST', `/postbacks/${postbackId}/disable`);
    const clickId = await world.click({ gclid: 'gclidTogether' });
    const conversionId = await world.report(clickId, 'approved', 'G-TOGETHER');
    await world.report(clickId, 'reversed', 'G-TOGETHER');
    await world.api('POST', `/postbacks/${postbackId}/enable`, { releaseHeld: true });
    await settle(2);
    const page = await world.api('GET', `/deliveries?conversionId=${conversionId}`);
    const [retraction, conversion] = [...page.body.data].sort(
      (x: Json, y: Json) => y.conversionEventId - x.conversionEventId,
    );
    expect(conversion.status).toBe('succeeded');
    const detail = (await world.api('GET', `/deliveries/${retraction.id}`)).body;
    expect(detail.status).toBe('succeeded');
    expect(detail.attemptLog.map((x: Json) => x.errorMessage)).toEqual([
      expect.stringContaining('waits for the conversions sent with it'),
      null,
    ]);
    expect(detail.attemptLog[1].url).toContain(':uploadConversionAdjustments');
    expect(google.adjustments.filter((x) => x.orderId === conversionId)).toHaveLength(1);
  });

  it("a revoked refresh token holds the destination with Google's message", async () => {
    google.revokeRefreshToken();
    google.expireTokens();
    const clickId = await world.click({ gclid: 'gclidRevoked' });
    const conversionId = await world.report(clickId, 'approved');
    await settle(1);
    const delivery = await deliveryOf(conversionId);
    expect(delivery.status).toBe('held');
    expect(delivery.lastError).toContain('invalid_grant');
    expect(delivery.lastError).toContain('Token has been expired or revoked.');
    const postback = await world.api('GET', `/postbacks/${postbackId}`);
    expect(postback.body).toMatchObject({ state: 'held', enabled: false });
    expect(postback.body.disabledReason).toContain('Token has been expired or revoked.');
  });
});
