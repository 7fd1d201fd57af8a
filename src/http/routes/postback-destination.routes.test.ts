// Ad-platform destinations through /api/v1/postbacks: the contract, the secret handling, and who
// may do what (admin, the owning publisher, another publisher, an advertiser).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TEST_SECRET_KEY } from '../../../test/support/ad-platform-world.ts';
import { apiClient, type Call, makeKey } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { type Catalog, createCatalog } from '../../../test/support/fixtures.ts';
import { describeEachStore } from '../../../test/support/stores.ts';

const META = { pixelId: '1234567890123456', accessToken: 'EAAB-meta-token-WXYZ' };

describeEachStore('ad-platform postbacks API', (current) => {
  let t: TestApp;
  let keyless: TestApp;
  let admin: Call;
  let publisher: Call;
  let otherPublisher: Call;
  let advertiser: Call;
  let catalog: Catalog;

  beforeAll(async () => {
    t = await startTestApp(current().store, { secretKey: TEST_SECRET_KEY });
    keyless = await startTestApp(current().store, { secretKey: undefined });
    catalog = await createCatalog(current().store.db);
    const other = await createCatalog(current().store.db);
    admin = apiClient(t.url, TEST_ADMIN_KEY);
    publisher = apiClient(
      t.url,
      await makeKey(current().store, 'publisher', { publisherId: catalog.publisher.id }),
    );
    otherPublisher = apiClient(
      t.url,
      await makeKey(current().store, 'publisher', { publisherId: other.publisher.id }),
    );
    advertiser = apiClient(
      t.url,
      await makeKey(current().store, 'advertiser', { advertiserId: catalog.advertiser.id }),
    );
  });
  afterAll(async () => {
    await t.close();
    await keyless.close();
  });

  it('refuses to store a credential without TRACKWIRE_SECRET_KEY, and says so', async () => {
    const res = await apiClient(keyless.url, TEST_ADMIN_KEY)('POST', '/postbacks', {
      publisherId: catalog.publisher.id,
      kind: 'meta_capi',
      destination: META,
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('secret_key_missing');
    expect(res.body.error.message).toContain('TRACKWIRE_SECRET_KEY');
  });

  it('validates each kind: required settings, unknown ones, a url where none belongs', async () => {
    const post = (body: object) =>
      admin('POST', '/postbacks', { publisherId: catalog.publisher.id, ...body });
    const missing = await post({ kind: 'meta_capi', destination: { pixelId: META.pixelId } });
    expect(missing.body.error).toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining('accessToken'),
    });
    const foreign = await post({ kind: 'tiktok_events', destination: { ...META } });
    expect(foreign.body.error.message).toContain('pixelId');
    const url = await post({ kind: 'meta_capi', destination: META, url: 'https://x.example/' });
    expect(url.body.error.message).toContain('has no URL');
    const legacy = await post({
      kind: 'google_ads',
      destination: {
        api: 'click_upload',
        operatingAccountId: '1234567890',
        conversionActionId: '5',
        clientId: 'c',
        clientSecret: 's',
        refreshToken: 'r',
      },
    });
    expect(legacy.body.error.message).toContain('developerToken');
    const noUrl = await post({});
    expect(noUrl.body.error.message).toBe('url: required');
    const badPixel = await post({ kind: 'meta_capi', destination: { ...META, pixelId: 'abc' } });
    expect(badPixel.body.error.message).toContain('pixelId');
  });

  it('the owning publisher manages its destination; the token is never returned, only set + last four', async () => {
    const created = await publisher('POST', '/postbacks', { kind: 'meta_capi', destination: META });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'meta_capi',
      url: '',
      value: 'payout',
      eventMap: [{ status: 'approved', event: 'Purchase' }],
      statuses: ['approved'],
      destination: { pixelId: META.pixelId, accessToken: { set: true, lastFour: 'WXYZ' } },
    });
    const row = await current()
      .store.db.selectFrom('postbacks')
      .select(['credentials', 'destination'])
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow();
    expect(`${row.credentials}${row.destination}`).not.toContain(META.accessToken);
    const patched = await publisher('PATCH', `/postbacks/${created.body.id}`, {
      destination: { testEventCode: 'TEST1' },
    });
    expect(patched.body.destination.accessToken).toEqual({ set: true, lastFour: 'WXYZ' });
    for (const reader of [admin, publisher]) {
      const read = await reader('GET', `/postbacks/${created.body.id}`);
      expect(read.status).toBe(200);
      expect(JSON.stringify(read.body)).not.toContain(META.accessToken);
    }
    expect((await otherPublisher('GET', `/postbacks/${created.body.id}`)).status).toBe(404);
    expect((await advertiser('GET', `/postbacks/${created.body.id}`)).status).toBe(403);
  });

  it("a publisher's destination sends only the payout; the network's may send revenue", async () => {
    const refused = await publisher('POST', '/postbacks', {
      kind: 'meta_capi',
      destination: META,
      value: 'revenue',
    });
    expect(refused.body.error.code).toBe('macro_not_allowed');
    const network = await admin('POST', '/postbacks', {
      publisherId: catalog.publisher.id,
      audience: 'network',
      kind: 'meta_capi',
      destination: META,
      value: 'revenue',
    });
    expect(network.status).toBe(201);
    expect(network.body.value).toBe('revenue');
  });
});
