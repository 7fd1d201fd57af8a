import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LinkRef, seedClick, seedConversion } from '../../../test/support/activity-rows.ts';
import { apiClient, type Call, makeKey } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import type { ClickRow } from '../../tracking/clicks/click.table.ts';

describeEachStore('discrepancy checks API', (current) => {
  let t: TestApp;
  let admin: Call;
  let link: LinkRef;
  const clicks: ClickRow[] = [];
  const conversions: string[] = [];
  const T0 = Date.now() - 3 * 86_400_000;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

  const upload = async (query: string, csv: string, key = TEST_ADMIN_KEY) => {
    const response = await fetch(`${t.url}/api/v1/reconciliations?${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
      body: csv,
    });
    return { status: response.status, body: await response.json() };
  };

  beforeAll(async () => {
    t = await startTestApp(current().store);
    admin = apiClient(t.url, TEST_ADMIN_KEY);
    const db = current().store.db;
    const a = (await admin('POST', '/advertisers', { name: 'Network' })).body;
    const o = (
      await admin('POST', '/offers', { advertiserId: a.id, name: 'O', url: 'https://o.test/', revenue: 3 })
    ).body;
    const p = (await admin('POST', '/publishers', { name: 'P' })).body;
    const l = (await admin('POST', '/links', { offerId: o.id, publisherId: p.id })).body;
    link = { linkId: l.id, offerId: o.id, publisherId: p.id, advertiserId: a.id };
    await admin('POST', '/postbacks', { publisherId: p.id, url: 'https://publisher.test/pb?c={click_id}' });
    for (let i = 0; i < 5; i++) clicks.push(await seedClick(db, link, T0 + i * 60_000));
    // Conversions on clicks 0–3; click 4 converted only on the network's side.
    for (let i = 0; i < 4; i++) {
      conversions.push(
        (await seedConversion(db, clicks[i], { status: 'approved', revenue: 3, txn_id: `T${i}` })).id,
      );
    }
  });
  afterAll(() => t.close());

  const exportCsv = () =>
    [
      'conversion_id,sub1,unix_timestamp,status,payout',
      `T0,${clicks[0].id},${Math.floor((T0 + 1000) / 1000)},approved,3.00`,
      `T1,${clicks[1].id},${Math.floor((T0 + 61_000) / 1000)},rejected,3.00`,
      `T2,${clicks[2].id},${Math.floor((T0 + 121_000) / 1000)},approved,4.50`,
      `T4,${clicks[4].id},${Math.floor((T0 + 241_000) / 1000)},approved,3.00`,
    ].join('\n');

  it('reports each difference and the day × offer totals', async () => {
    const q = `advertiserId=${link.advertiserId}&format=everflow&timeZone=UTC&currency=USD&from=${day(T0)}&to=${day(T0)}&presetName=weekly`;
    const reply = await upload(q, exportCsv());
    expect(reply.status).toBe(201);
    expect(reply.body.rowsRead).toBe(4);
    expect(reply.body.counts).toMatchObject({
      missing_ours: 1,
      missing_theirs: 1,
      status_mismatch: 1,
      payout_mismatch: 1,
      day_shifted: 0,
    });
    expect(reply.body.days).toEqual([
      expect.objectContaining({
        day: day(T0),
        offerId: link.offerId,
        ourCount: 4,
        theirCount: 4,
        ourAmount: 12,
        theirAmount: 13.5,
        countDiffPercent: 0,
        amountDiffPercent: 12.5,
      }),
    ]);
    const findings = (await admin('GET', `/reconciliations/${reply.body.id}/findings`)).body.data;
    const byKind = Object.fromEntries(findings.map((f: { kind: string }) => [f.kind, f]));
    expect(byKind.missing_ours).toMatchObject({ clickId: clicks[4].id, line: 5, txnId: 'T4' });
    expect(byKind.missing_theirs).toMatchObject({ conversionId: conversions[3], line: null });
    expect(byKind.status_mismatch).toMatchObject({
      conversionId: conversions[1],
      theirStatus: 'rejected',
      ourStatus: 'approved',
    });
    expect(byKind.payout_mismatch).toMatchObject({
      conversionId: conversions[2],
      theirAmount: 4.5,
      ourAmount: 3,
    });
    const presets = (await admin('GET', `/reconciliations/presets?advertiserId=${link.advertiserId}`)).body;
    expect(presets.saved).toEqual([
      expect.objectContaining({ name: 'weekly', format: 'everflow', timeZone: 'UTC' }),
    ]);
    expect(presets.builtIn.tune.clickId).toBe('Partner Sub ID 1');
  });

  it('creates the missing conversion through the inbound rules and accepts their status', async () => {
    const db = current().store.db;
    const q = `advertiserId=${link.advertiserId}&format=everflow&timeZone=UTC&currency=USD&from=${day(T0)}&to=${day(T0)}`;
    const check = (await upload(q, exportCsv())).body;
    const created = await admin('POST', `/reconciliations/${check.id}/create-missing`);
    expect(created.status).toBe(200);
    expect(created.body.outcomes).toEqual([
      expect.objectContaining({
        resolution: 'created',
        code: 'conversion_created',
        conversionId: expect.any(String),
      }),
    ]);
    const conversionId = created.body.outcomes[0].conversionId;
    const conversion = await db
      .selectFrom('conversions')
      .selectAll()
      .where('id', '=', conversionId)
      .executeTakeFirstOrThrow();
    expect(conversion).toMatchObject({ click_id: clicks[4].id, txn_id: 'T4', status: 'approved' });
    const log = await db
      .selectFrom('postback_log')
      .selectAll()
      .where('conversion_id', '=', conversionId)
      .executeTakeFirstOrThrow();
    expect(log).toMatchObject({
      method: 'IMPORT',
      url: `/api/v1/reconciliations/${check.id}`,
      code: 'conversion_created',
    });
    expect(log.body).not.toContain(clicks[4].id === '' ? 'x' : 'token');
    const deliveries = await db
      .selectFrom('deliveries')
      .select('id')
      .where('conversion_id', '=', conversionId)
      .execute();
    expect(deliveries).toHaveLength(1);
    // Doing it again changes nothing: the finding is resolved.
    expect((await admin('POST', `/reconciliations/${check.id}/create-missing`)).body.outcomes).toEqual([]);

    const accepted = await admin('POST', `/reconciliations/${check.id}/accept-status`, {});
    expect(accepted.body.outcomes).toEqual([
      expect.objectContaining({ resolution: 'accepted', code: 'rejected' }),
    ]);
    const moved = await db
      .selectFrom('conversions')
      .select('status')
      .where('id', '=', conversions[1])
      .executeTakeFirstOrThrow();
    expect(moved.status).toBe('rejected');

    // A new check of the same export now finds neither difference.
    const again = (await upload(q, exportCsv())).body;
    expect(again.counts).toMatchObject({
      missing_ours: 0,
      status_mismatch: 0,
      payout_mismatch: 1,
      missing_theirs: 1,
    });
  });

  it('refuses a malformed file naming its line, and stores nothing', async () => {
    const before = await current().store.db.selectFrom('reconciliations').select('id').execute();
    const q = `advertiserId=${link.advertiserId}&format=everflow&timeZone=UTC&currency=USD&from=${day(T0)}&to=${day(T0)}`;
    const csv = `${exportCsv()}\nT9,${clicks[0].id},not-a-time,approved,3\n`;
    const bad = await upload(q, csv);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', details: { line: 6 } });
    expect(bad.body.error.message).toContain('line 6');
    const quotes = await upload(q, `${exportCsv()}\n"T9,${clicks[0].id},1,approved,3\n`);
    expect(quotes.status).toBe(400);
    expect(quotes.body.error.message).toMatch(/^line \d+/);
    const columns = await upload(q, `${exportCsv()}\nT9,1\n`);
    expect(columns.body.error.message).toBe('line 6: 2 columns where the header has 5');
    const mapping = await upload(`${q}&clickIdColumn=aff_sub`, exportCsv());
    expect(mapping.body.error.message).toContain('no column "aff_sub"');
    const after = await current().store.db.selectFrom('reconciliations').select('id').execute();
    expect(after).toHaveLength(before.length);
    const json = await admin('POST', `/reconciliations?${q}`, { a: 1 });
    expect(json.status).toBe(400);
  });

  it('previews an export and detects its preset', async () => {
    const response = await fetch(`${t.url}/api/v1/reconciliations/preview`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'text/csv' },
      body: 'Date/Time,Offer,Status,Payout,Transaction ID,Tune Event ID,Partner Sub ID 1\n2026-01-01 10:00:00,O,approved,1,abc,ev1,c1\n',
    });
    const body = await response.json();
    expect(body).toMatchObject({
      detectedFormat: 'tune',
      mapping: { clickId: 'Partner Sub ID 1' },
      sample: [['2026-01-01 10:00:00', 'O', 'approved', '1', 'abc', 'ev1', 'c1']],
    });
  });

  it('is for admins only', async () => {
    const store = current().store;
    const advertiserKey = await makeKey(store, 'advertiser', { advertiserId: link.advertiserId });
    const publisherKey = await makeKey(store, 'publisher', { publisherId: link.publisherId });
    for (const key of [advertiserKey, publisherKey]) {
      const q = `advertiserId=${link.advertiserId}&format=everflow&timeZone=UTC&currency=USD&from=${day(T0)}&to=${day(T0)}`;
      expect((await upload(q, exportCsv(), key)).status).toBe(403);
      const call = apiClient(t.url, key);
      expect((await call('GET', '/reconciliations')).status).toBe(403);
      expect((await call('GET', `/reconciliations/presets?advertiserId=${link.advertiserId}`)).status).toBe(
        403,
      );
    }
    expect((await admin('GET', '/reconciliations')).body.data.length).toBeGreaterThan(0);
  });
});
