import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient, type Call, makeKey } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { type Catalog, createCatalog } from '../../../test/support/fixtures.ts';
import { type LoopbackServer, startLoopbackServer } from '../../../test/support/loopback-server.ts';
import {
  insertTestClick,
  insertTestConversion,
  insertTestEvent,
} from '../../../test/support/postback-rows.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import { enqueueDeliveriesForEvent } from '../../deliveries/outbox/enqueue-deliveries.ts';

interface Received {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

describeEachStore('postback test fire and diagnosis', (current) => {
  let t: TestApp;
  let admin: Call;
  let receiver: LoopbackServer;
  let answer = 400;
  const received: Received[] = [];
  beforeAll(async () => {
    t = await startTestApp(current().store);
    admin = apiClient(t.url, TEST_ADMIN_KEY);
    receiver = await startLoopbackServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers as Record<string, string>,
          body,
        });
        res
          .writeHead(answer, { 'content-type': 'text/plain' })
          .end(answer === 400 ? 'unknown click_id' : 'ok');
      });
    });
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  const world = () =>
    createCatalog(current().store.db, {
      goals: [{ key: 'install' }],
      publisher: { security_token: 'pub-token' },
    });
  const idsOf = (c: Catalog) => ({
    advertiserId: c.advertiser.id,
    offerId: c.offer.id,
    publisherId: c.publisher.id,
    linkId: c.link.id,
  });

  it('fires a test conversion now, explains a 400 as normal for a test, and records it without a conversion', async () => {
    answer = 400;
    const db = current().store.db;
    const catalog = await world();
    const created = await admin('POST', '/postbacks', {
      publisherId: catalog.publisher.id,
      url: `${receiver.url}/pb?click_id={{click_id}}&payout={{payout}}&goal_status={{goal_status}}&token={security_token}&s={sub9}`,
    });
    const conversionsBefore = await db
      .selectFrom('conversions')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const before = received.length;
    const reply = await admin('POST', `/postbacks/${created.body.id}/test`);
    expect(reply.status).toBe(200);
    expect(received.length).toBe(before + 1);
    const hit = received[received.length - 1];
    expect(hit.method).toBe('GET');
    const query = new URL(hit.url, receiver.url).searchParams;
    expect(query.get('token')).toBe('pub-token');
    expect(query.get('payout')).toBe('0.50');
    expect(query.get('click_id')).toBeTruthy();
    expect(hit.headers['user-agent']).toMatch(/^Trackwire\/\d+\.\d+\.\d+/);

    expect(reply.body.request).toMatchObject({ method: 'GET', body: null });
    // The answer shows the request as sent, with the publisher's token masked.
    expect(reply.body.request.url).toBe(
      `${receiver.url}${hit.url}`.replace('token=pub-token', 'token=REDACTED'),
    );
    expect(reply.body.response).toEqual({
      statusCode: 400,
      bodyExcerpt: 'unknown click_id',
      truncated: false,
    });
    expect(reply.body.errorClass).toBe('http');
    expect(reply.body.explanation).toContain('normal');
    expect(reply.body.explanation).toContain('test');
    expect(reply.body.warnings[0]).toContain('http://');

    const attempts = await db
      .selectFrom('delivery_attempts')
      .selectAll()
      .where('postback_id', '=', created.body.id)
      .execute();
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      delivery_id: null,
      trigger: 'test',
      status_code: 400,
      method: 'GET',
    });
    expect(attempts[0].url).toContain('token=REDACTED');
    expect(attempts[0].url).not.toContain('pub-token');
    const conversionsAfter = await db
      .selectFrom('conversions')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(conversionsAfter.n)).toBe(Number(conversionsBefore.n));
    expect(
      await db.selectFrom('deliveries').select('id').where('postback_id', '=', created.body.id).execute(),
    ).toEqual([]);
  });

  it('test-fires a signed JSON POST that the receiver can verify', async () => {
    answer = 200;
    const catalog = await world();
    const created = await admin('POST', '/postbacks', {
      publisherId: catalog.publisher.id,
      url: `${receiver.url}/hook`,
      method: 'POST',
      bodyFormat: 'json',
      bodyTemplate: '{"click_id":"{click_id}","payout":{payout},"id":"{postback_id}"}',
    });
    const reply = await admin('POST', `/postbacks/${created.body.id}/test`);
    expect(reply.body.explanation).toBe('Delivered: the receiver answered 200.');
    const hit = received[received.length - 1];
    const payload = new Webhook(catalog.publisher.signing_secret).verify(hit.body, hit.headers) as {
      id: string;
    };
    expect(payload.id).toBe(hit.headers['webhook-id']);
    expect(hit.headers['content-type']).toBe('application/json');
  });

  it('names the postback that actually wins when a goal postback overrides an offer one that overrides a global one', async () => {
    const db = current().store.db;
    const catalog = await world();
    const pub = catalog.publisher.id;
    const global = await admin('POST', '/postbacks', {
      publisherId: pub,
      url: 'https://g.example/{click_id}',
    });
    const offer = await admin('POST', '/postbacks', {
      publisherId: pub,
      scope: 'offer',
      offerId: catalog.offer.id,
      url: 'https://o.example/{click_id}',
    });
    const goal = await admin('POST', '/postbacks', {
      publisherId: pub,
      scope: 'goal',
      offerId: catalog.offer.id,
      goal: 'install',
      url: 'https://i.example/{click_id}',
    });
    const { conversion, event } = await insertTestConversion(db, await insertTestClick(db, idsOf(catalog)), {
      goal: 'install',
    });
    await db.transaction().execute((trx) => enqueueDeliveriesForEvent(trx, conversion, event, Date.now()));
    const delivered = await db
      .selectFrom('deliveries')
      .select('postback_id')
      .where('conversion_id', '=', conversion.id)
      .execute();
    expect(delivered.map((d) => d.postback_id)).toEqual([goal.body.id]);

    for (const loser of [global.body.id, offer.body.id]) {
      const diagnosis = await admin('GET', `/postbacks/${loser}/diagnose?conversionId=${conversion.id}`);
      const check = diagnosis.body.checks.find((c: { check: string }) => c.check === 'override');
      expect(check.message).toContain(`Overridden by postback ${goal.body.id}, a goal postback`);
      expect(diagnosis.body.events[0]).toMatchObject({ overriddenBy: goal.body.id, wouldFire: false });
    }
    const winner = await admin('GET', `/postbacks/${goal.body.id}/diagnose?conversionId=${conversion.id}`);
    expect(winner.body.events[0]).toMatchObject({ overriddenBy: null, wouldFire: true });
  });

  it('explains a status-filter miss and an override by a more specific postback', async () => {
    const db = current().store.db;
    const catalog = await world();
    const pub = catalog.publisher.id;
    const approvedOnly = await admin('POST', '/postbacks', {
      publisherId: pub,
      url: 'https://a.example/{click_id}',
      statuses: ['approved'],
    });
    const global = await admin('POST', '/postbacks', {
      publisherId: pub,
      url: 'https://g.example/{click_id}',
    });
    const offer = await admin('POST', '/postbacks', {
      publisherId: pub,
      scope: 'offer',
      offerId: catalog.offer.id,
      url: 'https://o.example/{click_id}',
    });
    const { conversion, event } = await insertTestConversion(db, await insertTestClick(db, idsOf(catalog)), {
      status: 'pending',
    });
    await db.transaction().execute((trx) => enqueueDeliveriesForEvent(trx, conversion, event, Date.now()));

    const missed = await admin(
      'GET',
      `/postbacks/${approvedOnly.body.id}/diagnose?conversionId=${conversion.id}`,
    );
    expect(missed.status).toBe(200);
    const statusCheck = missed.body.checks.find((c: { check: string }) => c.check === 'status_filter');
    expect(statusCheck.pass).toBe(false);
    expect(statusCheck.message).toContain('It fires for approved');
    expect(statusCheck.message).toContain('pending is not selected');
    expect(missed.body.events).toEqual([
      expect.objectContaining({
        eventId: event.id,
        toStatus: 'pending',
        statusAllowed: false,
        wouldFire: false,
        deliveryId: null,
      }),
    ]);
    expect(missed.body.summary).toContain('status_filter');

    const overridden = await admin(
      'GET',
      `/postbacks/${global.body.id}/diagnose?conversionId=${conversion.id}`,
    );
    const overrideCheck = overridden.body.checks.find((c: { check: string }) => c.check === 'override');
    expect(overrideCheck.pass).toBe(false);
    expect(overrideCheck.message).toContain(`Overridden by postback ${offer.body.id}`);
    expect(overrideCheck.message).toContain('fireWithSpecific');
    expect(overridden.body.events[0]).toMatchObject({ overriddenBy: offer.body.id, wouldFire: false });

    const fired = await admin('GET', `/postbacks/${offer.body.id}/diagnose?conversionId=${conversion.id}`);
    expect(fired.body.checks.map((c: { check: string; pass: boolean }) => [c.check, c.pass])).toEqual([
      ['publisher', true],
      ['scope', true],
      ['override', true],
      ['status_filter', true],
      ['enabled', true],
      ['endpoint', true],
      ['deliveries', false],
    ]);
    expect(fired.body.deliveries).toEqual([
      expect.objectContaining({ eventId: event.id, status: 'pending', attempts: 0 }),
    ]);
    expect(fired.body.events[0].deliveryId).toBe(fired.body.deliveries[0].id);

    // Once the conversion is approved, the approved-only postback would fire for that event.
    const approval = await insertTestEvent(db, conversion, 'pending', 'approved', Date.now());
    const later = await admin(
      'GET',
      `/postbacks/${approvedOnly.body.id}/diagnose?conversionId=${conversion.id}`,
    );
    expect(later.body.events.find((e: { eventId: number }) => e.eventId === approval.id)).toMatchObject({
      statusAllowed: true,
    });
  });

  it("hides other publishers' conversions from a publisher key and answers 404 for unknown ones", async () => {
    const db = current().store.db;
    const mine = await world();
    const theirs = await world();
    const key = apiClient(
      t.url,
      await makeKey(current().store, 'publisher', { publisherId: mine.publisher.id }),
    );
    const own = await key('POST', '/postbacks', { url: 'https://m.example/{click_id}' });
    const { conversion } = await insertTestConversion(db, await insertTestClick(db, idsOf(theirs)));
    const foreign = await key('GET', `/postbacks/${own.body.id}/diagnose?conversionId=${conversion.id}`);
    expect(foreign.status).toBe(404);
    const asAdmin = await admin('GET', `/postbacks/${own.body.id}/diagnose?conversionId=${conversion.id}`);
    expect(asAdmin.body.checks[0]).toMatchObject({ check: 'publisher', pass: false });
    expect((await admin('GET', `/postbacks/${own.body.id}/diagnose?conversionId=cv_nope`)).status).toBe(404);
    expect((await admin('GET', `/postbacks/${own.body.id}/diagnose`)).status).toBe(400);
  });
});
