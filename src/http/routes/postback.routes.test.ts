import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type Call, makeKey } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { type Catalog, createCatalog } from '../../../test/support/fixtures.ts';
import { ALL, insertTestClick, insertTestConversion } from '../../../test/support/postback-rows.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import { enqueueDeliveriesForEvent } from '../../deliveries/outbox/enqueue-deliveries.ts';

describeEachStore('postbacks API', (current) => {
  let t: TestApp;
  let admin: Call;
  let catalog: Catalog;
  beforeAll(async () => {
    t = await startTestApp(current().store);
    admin = apiClient(t.url, TEST_ADMIN_KEY);
    catalog = await createCatalog(current().store.db, { goals: [{ key: 'install' }] });
  });
  afterAll(() => t.close());

  const base = () => ({
    publisherId: catalog.publisher.id,
    url: 'https://receiver.example/pb?cid={click_id}',
  });

  it('saves secret parameter and path segment marks, and refuses marks the URL cannot hold', async () => {
    const url = 'https://receiver.example/in/abc123/{click_id}?secret=s';
    const created = await admin('POST', '/postbacks', {
      ...base(),
      url,
      secretParams: ['secret', 'api_key'],
      secretPathSegments: [2],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ secretParams: ['secret', 'api_key'], secretPathSegments: [2] });
    const patched = await admin('PATCH', `/postbacks/${created.body.id}`, { secretPathSegments: [] });
    expect(patched.body).toMatchObject({ secretParams: ['secret', 'api_key'], secretPathSegments: [] });
    const plain = await admin('POST', '/postbacks', base());
    expect(plain.body).toMatchObject({ secretParams: [], secretPathSegments: [] });

    const noSegment = await admin('POST', '/postbacks', { ...base(), url, secretPathSegments: [4] });
    expect(noSegment.status).toBe(400);
    expect(noSegment.body.error).toMatchObject({ code: 'validation_failed' });
    expect(noSegment.body.error.message).toContain('secretPathSegments');
    const badName = await admin('POST', '/postbacks', { ...base(), secretParams: ['a b'] });
    expect(badName.status).toBe(400);
    expect(badName.body.error.message).toContain('secretParams');
    const zero = await admin('POST', '/postbacks', { ...base(), secretPathSegments: [0] });
    expect(zero.status).toBe(400);
    expect(zero.body.error.code).toBe('validation_failed');
  });

  it('creates with defaults, reads, lists, updates and deletes, announcing each change', async () => {
    let changes = 0;
    const count = () => {
      changes += 1;
    };
    t.ctx.events.on('catalog.changed', count);
    try {
      const created = await admin('POST', '/postbacks', base());
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        publisherId: catalog.publisher.id,
        scope: 'global',
        offerId: null,
        goal: null,
        method: 'GET',
        bodyFormat: null,
        statuses: ALL,
        enabled: true,
        fireWithSpecific: false,
        retry4xx: true,
        timeoutMs: 15_000,
        headers: {},
        state: 'active',
        warnings: [],
      });
      const id = created.body.id;
      expect((await admin('GET', `/postbacks/${id}`)).body.url).toBe(base().url);
      const list = await admin('GET', `/postbacks?publisherId=${catalog.publisher.id}`);
      expect(list.body.data.map((p: { id: number }) => p.id)).toContain(id);

      const patched = await admin('PATCH', `/postbacks/${id}`, {
        statuses: ['approved'],
        scope: 'goal',
        offerId: catalog.offer.id,
        goal: 'install',
        method: 'POST',
        bodyFormat: 'json',
        bodyTemplate: '{"id":"{click_id}","amount":{payout}}',
        headers: { 'X-Token': '{security_token}' },
        timeoutMs: 30_000,
        retry4xx: false,
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        statuses: ['approved'],
        scope: 'goal',
        goal: 'install',
        method: 'POST',
        bodyFormat: 'json',
        headers: { 'X-Token': '{security_token}' },
        timeoutMs: 30_000,
        retry4xx: false,
      });
      const back = await admin('PATCH', `/postbacks/${id}`, { method: 'GET', scope: 'global' });
      expect(back.body).toMatchObject({
        method: 'GET',
        bodyFormat: null,
        bodyTemplate: null,
        offerId: null,
        goal: null,
      });

      expect((await admin('DELETE', `/postbacks/${id}`)).status).toBe(204);
      expect((await admin('GET', `/postbacks/${id}`)).status).toBe(404);
      expect(changes).toBe(4);
    } finally {
      t.ctx.events.off('catalog.changed', count);
    }
  });

  it('accepts http:// with a warning and refuses other schemes', async () => {
    const http = await admin('POST', '/postbacks', {
      ...base(),
      url: 'http://receiver.example/pb?p={payout}',
    });
    expect(http.status).toBe(201);
    expect(http.body.warnings).toHaveLength(1);
    expect(http.body.warnings[0]).toContain('http://');
    for (const url of [
      'ftp://receiver.example/x',
      'receiver.example/pb?cid={click_id}',
      'javascript:alert(1)',
    ]) {
      const reply = await admin('POST', '/postbacks', { ...base(), url });
      expect(reply.status).toBe(400);
      expect(reply.body.error.code).toBe('validation_failed');
      expect(reply.body.error.message).toContain('http:// or https://');
    }
  });

  it('names an unknown macro and the nearest known one, wherever it is', async () => {
    const reply = await admin('POST', '/postbacks', { ...base(), url: 'https://r.example/pb?p={payot}' });
    expect(reply.status).toBe(422);
    expect(reply.body.error.code).toBe('unknown_macro');
    expect(reply.body.error.message).toBe('url: unknown macro {payot}; did you mean {payout}?');
    expect(reply.body.error.details.unknown).toEqual([
      { field: 'url', macro: '{payot}', name: 'payot', suggestion: 'payout' },
    ]);

    const inBody = await admin('POST', '/postbacks', {
      ...base(),
      method: 'POST',
      bodyFormat: 'form',
      bodyTemplate: 'cid={{clik_id}}',
    });
    expect(inBody.status).toBe(422);
    expect(inBody.body.error.message).toContain(
      'bodyTemplate: unknown macro {{clik_id}}; did you mean {click_id}?',
    );

    const inHeader = await admin('POST', '/postbacks', { ...base(), headers: { 'X-Sub': '#sub11#' } });
    expect(inHeader.status).toBe(422);
    expect(inHeader.body.error.message).toContain('headers.X-Sub: unknown macro #sub11#');
  });

  it('keeps scope fields consistent and checks that the offer and goal exist', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ scope: 'offer' }, 'offerId'],
      [{ scope: 'global', offerId: catalog.offer.id }, 'global'],
      [{ scope: 'goal', offerId: catalog.offer.id }, 'goal'],
      [{ scope: 'offer', offerId: 999_999 }, 'offer 999999 not found'],
      [{ scope: 'goal', offerId: catalog.offer.id, goal: 'purchase' }, 'no goal "purchase"'],
      [
        { scope: 'goal', offerId: catalog.offer.id, goal: 'install', fireWithSpecific: true },
        'fireWithSpecific',
      ],
      [{ method: 'POST' }, 'bodyTemplate'],
      [{ bodyTemplate: 'a={click_id}' }, 'GET'],
      [{ headers: { 'Content-Length': '5' } }, 'Content-Length'],
      [{ publisherId: 999_999 }, 'publisher 999999 not found'],
      [{ timeoutMs: 60_000 }, 'timeoutMs'],
      [{ statuses: ['approved', 'paid'] }, 'statuses'],
    ];
    for (const [patch, words] of cases) {
      const reply = await admin('POST', '/postbacks', { ...base(), ...patch });
      expect(reply.status, JSON.stringify(patch)).toBe(400);
      expect(reply.body.error.message).toContain(words);
    }
    for (const ok of [
      { scope: 'offer', offerId: catalog.offer.id, fireWithSpecific: true },
      { scope: 'goal', offerId: catalog.offer.id, goal: 'install' },
      { scope: 'goal', offerId: catalog.offer.id, goal: 'default' },
    ]) {
      expect((await admin('POST', '/postbacks', { ...base(), ...ok })).status).toBe(201);
    }
  });

  it("ties a link postback to one of the publisher's links, taking the link's offer", async () => {
    const other = await createCatalog(current().store.db);
    const created = await admin('POST', '/postbacks', { ...base(), scope: 'link', linkId: catalog.link.id });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      scope: 'link',
      linkId: catalog.link.id,
      offerId: catalog.offer.id,
      goal: null,
    });
    const refused: [Record<string, unknown>, string][] = [
      [{ scope: 'link' }, 'linkId'],
      [{ scope: 'link', linkId: other.link.id }, `link ${other.link.id} is not one of publisher`],
      [
        { scope: 'link', linkId: catalog.link.id, offerId: other.offer.id },
        `is on offer ${catalog.offer.id}`,
      ],
      [{ scope: 'global', linkId: catalog.link.id }, 'only a link postback names a link'],
      [{ scope: 'link', linkId: catalog.link.id, goal: 'install' }, 'no goal'],
    ];
    for (const [patch, words] of refused) {
      const reply = await admin('POST', '/postbacks', { ...base(), ...patch });
      expect(reply.status, JSON.stringify(patch)).toBe(400);
      expect(reply.body.error.message).toContain(words);
    }
    const global = await admin('PATCH', `/postbacks/${created.body.id}`, { scope: 'global' });
    expect(global.body).toMatchObject({ scope: 'global', linkId: null, offerId: null });
    const back = await admin('PATCH', `/postbacks/${created.body.id}`, {
      scope: 'link',
      linkId: catalog.link.id,
    });
    expect(back.body).toMatchObject({ scope: 'link', linkId: catalog.link.id, offerId: catalog.offer.id });
  });

  it('lets a publisher key manage only its own postbacks and an advertiser key none', async () => {
    const other = await createCatalog(current().store.db);
    const mine = apiClient(
      t.url,
      await makeKey(current().store, 'publisher', { publisherId: catalog.publisher.id }),
    );
    const own = await mine('POST', '/postbacks', { url: 'https://mine.example/{click_id}' });
    expect(own.status).toBe(201);
    expect(own.body.publisherId).toBe(catalog.publisher.id);
    const forbidden = await mine('POST', '/postbacks', { ...base(), publisherId: other.publisher.id });
    expect(forbidden.status).toBe(403);

    const theirs = await admin('POST', '/postbacks', { ...base(), publisherId: other.publisher.id });
    const id = theirs.body.id;
    expect((await mine('GET', `/postbacks/${id}`)).status).toBe(404);
    expect((await mine('PATCH', `/postbacks/${id}`, { enabled: false })).status).toBe(404);
    expect((await mine('DELETE', `/postbacks/${id}`)).status).toBe(404);
    expect((await mine('POST', `/postbacks/${id}/disable`)).status).toBe(404);
    expect((await mine('POST', `/postbacks/${id}/test`)).status).toBe(404);
    expect((await admin('GET', `/postbacks/${id}`)).body.enabled).toBe(true);
    const listed = await mine('GET', '/postbacks?limit=500');
    expect(listed.body.data.length).toBeGreaterThan(0);
    expect(
      listed.body.data.every((p: { publisherId: number }) => p.publisherId === catalog.publisher.id),
    ).toBe(true);
    expect((await mine('GET', `/postbacks?publisherId=${other.publisher.id}`)).body.data).toEqual([]);

    const advertiser = apiClient(
      t.url,
      await makeKey(current().store, 'advertiser', { advertiserId: catalog.advertiser.id }),
    );
    expect((await advertiser('GET', '/postbacks')).status).toBe(403);
    expect((await advertiser('POST', '/postbacks', base())).status).toBe(403);
    expect((await advertiser('GET', `/postbacks/${own.body.id}`)).status).toBe(403);
  });

  it('disables (holding deliveries) and re-enables, releasing held deliveries on request', async () => {
    const db = current().store.db;
    const world = await createCatalog(db);
    const created = await admin('POST', '/postbacks', { ...base(), publisherId: world.publisher.id });
    const id = created.body.id;
    const disabled = await admin('POST', `/postbacks/${id}/disable`);
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ state: 'held', enabled: false });
    expect(disabled.body.disabledReason).toBeTruthy();

    const ids = {
      advertiserId: world.advertiser.id,
      offerId: world.offer.id,
      publisherId: world.publisher.id,
      linkId: world.link.id,
    };
    const { conversion, event } = await insertTestConversion(db, await insertTestClick(db, ids));
    await db.transaction().execute((trx) => enqueueDeliveriesForEvent(trx, conversion, event, Date.now()));
    const status = async () =>
      (
        await db
          .selectFrom('deliveries')
          .select('status')
          .where('postback_id', '=', id)
          .executeTakeFirstOrThrow()
      ).status;
    expect(await status()).toBe('held');

    const plain = await admin('POST', `/postbacks/${id}/enable`);
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({ state: 'active', disabledReason: null, released: 0 });
    expect(await status()).toBe('held');

    await admin('POST', `/postbacks/${id}/disable`);
    const released = await admin('POST', `/postbacks/${id}/enable`, { releaseHeld: true });
    expect(released.body).toMatchObject({ state: 'active', released: 1 });
    expect(await status()).toBe('pending');
    expect((await admin('POST', `/postbacks/${id}/enable`, { releaseHeld: 'yes' })).status).toBe(400);
  });
});

describeEachStore('postbacks API without private targets', (current) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(current().store, { allowPrivateTargets: false, allowedTargets: ['127.0.0.2/32'] });
  });
  afterAll(() => t.close());

  describe('save-time SSRF check', () => {
    it('refuses loopback, private and metadata addresses but lets an allowed target through', async () => {
      const admin = apiClient(t.url, TEST_ADMIN_KEY);
      const catalog = await createCatalog(current().store.db);
      for (const url of [
        'http://127.0.0.1:9/pb?cid={click_id}',
        'https://10.1.2.3/pb',
        'http://169.254.169.254/latest/meta-data',
        'http://[::1]/pb',
      ]) {
        const reply = await admin('POST', '/postbacks', { publisherId: catalog.publisher.id, url });
        expect(reply.status, url).toBe(422);
        expect(reply.body.error.code).toBe('unsafe_target');
        expect(reply.body.error.message).toContain('refused address');
      }
      const allowed = await admin('POST', '/postbacks', {
        publisherId: catalog.publisher.id,
        url: 'http://127.0.0.2:9/pb',
      });
      expect(allowed.status).toBe(201);
    });
  });
});
