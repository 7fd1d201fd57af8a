// The advertiser's network slug, preset and parameter names through the API, and the presets list.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient, type Call } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { describeEachStore } from '../../../test/support/stores.ts';

describeEachStore('advertiser networks and parameter maps API', (current) => {
  let t: TestApp;
  let admin: Call;
  beforeAll(async () => {
    t = await startTestApp(current().store, { publicUrl: 'https://track.example.com' });
    admin = apiClient(t.url, TEST_ADMIN_KEY);
  });
  afterAll(() => t.close());

  it('lists every preset with its names, status codes and source', async () => {
    const reply = await admin('GET', '/inbound-presets');
    expect(reply.status).toBe(200);
    const names = reply.body.data.map((p: { name: string }) => p.name);
    for (const name of ['everflow', 'hasoffers', 'affise', 'cake', 'trackier', 'keitaro', 'voluum', 'adgate'])
      expect(names).toContain(name);
    const affise = reply.body.data.find((p: { name: string }) => p.name === 'affise');
    expect(affise).toMatchObject({
      kind: 'tracker',
      parameterMap: { clickId: 'clickid', amount: 'sum' },
      statusMap: { '1': 'approved', '2': 'pending', '3': 'declined', '5': 'pending' },
    });
    for (const preset of reply.body.data) expect(preset.source).toMatch(/^https:\/\//);
  });

  it('stores the slug, preset and overrides, and shows the effective map and the ready URL', async () => {
    const reply = await admin('POST', '/advertisers', {
      name: 'Everflow network',
      network: 'ef-main',
      preset: 'everflow',
      parameterMap: { goal: 'Event_Code', currency: null },
      signatureSecret: 'never-shown',
    });
    expect(reply.status).toBe(201);
    const a = reply.body;
    expect(a).toMatchObject({
      network: 'ef-main',
      preset: 'everflow',
      parameterMap: { goal: 'event_code', currency: null },
      effectiveParameterMap: {
        clickId: 'transaction_id',
        txnId: 'order_id',
        saleAmount: 'amount',
        goal: 'event_code',
        currency: null,
      },
      signatureSecretSet: true,
    });
    expect(JSON.stringify(a)).not.toContain('never-shown');
    expect(a.networkPostbackUrl).toBe(
      `https://track.example.com/postback?network=ef-main&token=${a.postbackToken}` +
        '&transaction_id={transaction_id}&order_id={order_id}&payout={payout}&amount={amount}' +
        '&status={status}&event_code={event_code}',
    );
    const cleared = await admin('PATCH', `/advertisers/${a.id}`, { preset: null, signatureSecret: null });
    expect(cleared.body).toMatchObject({
      preset: null,
      effectiveParameterMap: { goal: 'event_code', currency: null },
      signatureSecretSet: false,
    });
  });

  it('refuses a malformed or taken slug, unknown presets and fields, and names that cannot work', async () => {
    await admin('POST', '/advertisers', { name: 'Holder', network: 'taken-net' });
    const other = (await admin('POST', '/advertisers', { name: 'Other' })).body;
    const cases: [Record<string, unknown>, string, number][] = [
      [{ name: 'x', network: 'Upper' }, 'validation_failed', 400],
      [{ name: 'x', network: '-dash' }, 'validation_failed', 400],
      [{ name: 'x', network: 'a'.repeat(65) }, 'validation_failed', 400],
      [{ name: 'x', network: 'taken-net' }, 'conflict', 409],
      [{ name: 'x', preset: 'nosuch' }, 'validation_failed', 400],
      [{ name: 'x', parameterMap: { clickid: 'c' } }, 'validation_failed', 400],
      [{ name: 'x', parameterMap: { clickId: 'has space' } }, 'validation_failed', 400],
      [{ name: 'x', parameterMap: { clickId: 'token' } }, 'validation_failed', 400],
      [{ name: 'x', parameterMap: { clickId: 'network' } }, 'validation_failed', 400],
      [{ name: 'x', parameterMap: { clickId: 'id', txnId: 'ID' } }, 'validation_failed', 400],
      [{ name: 'x', preset: 'voluum', parameterMap: { goal: 'cid' } }, 'validation_failed', 400],
      [{ name: 'x', networkSlug: 'x' }, 'validation_failed', 400],
    ];
    for (const [body, code, status] of cases) {
      const reply = await admin('POST', '/advertisers', body);
      expect({ body, status: reply.status, code: reply.body.error?.code }).toEqual({ body, status, code });
    }
    const patch = await admin('PATCH', `/advertisers/${other.id}`, { network: 'taken-net' });
    expect(patch.status).toBe(409);
    expect(patch.body.error).toMatchObject({ code: 'conflict', details: { field: 'network' } });
    // A preset change is checked against the overrides already stored.
    await admin('PATCH', `/advertisers/${other.id}`, { parameterMap: { goal: 'cid' } });
    const clash = await admin('PATCH', `/advertisers/${other.id}`, { preset: 'voluum' });
    expect(clash.status).toBe(400);
    expect(clash.body.error.message).toContain('cid');
  });
});
