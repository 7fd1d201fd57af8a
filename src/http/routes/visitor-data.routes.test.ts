import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type LinkRef,
  seedClick,
  seedConversion,
  seedPostbackLog,
} from '../../../test/support/activity-rows.ts';
import { apiClient, type Call, makeKey } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { createCatalog } from '../../../test/support/fixtures.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import type { ClickRow } from '../../tracking/clicks/click.table.ts';

describeEachStore('visitor data export and erasure', (current) => {
  let t: TestApp;
  let admin: Call;
  let link: LinkRef;
  const T0 = Date.UTC(2026, 3, 1);
  const visitorIp = '203.0.113.50';
  let mine: ClickRow[] = [];
  let other: ClickRow;
  beforeAll(async () => {
    t = await startTestApp(current().store);
    admin = apiClient(t.url, TEST_ADMIN_KEY);
    const db = current().store.db;
    const c = await createCatalog(db);
    link = {
      linkId: c.link.id,
      offerId: c.offer.id,
      publisherId: c.publisher.id,
      advertiserId: c.advertiser.id,
    };
    mine = [
      await seedClick(db, link, T0, { ip: visitorIp }),
      await seedClick(db, link, T0 + 5000, { ip: visitorIp }),
    ];
    other = await seedClick(db, link, T0 + 1000, { ip: '203.0.113.51' });
    const conversion = await seedConversion(db, mine[0]);
    await seedConversion(db, other);
    await seedPostbackLog(db, link.advertiserId, T0 + 2000, {
      conversion_id: conversion.id,
      body: '{"click_id":"x"}',
    });
    await db
      .insertInto('deliveries')
      .values({
        id: `dl_${conversion.id}`,
        conversion_event_id: 1,
        postback_id: 1,
        conversion_id: conversion.id,
        publisher_id: link.publisherId,
        status: 'pending',
        attempts: 0,
        next_run_at: T0,
        created_at: T0,
        updated_at: T0,
      })
      .execute();
  });
  afterAll(() => t.close());

  it('exports a visitor by click id and by IP, with conversions, history and inbound log', async () => {
    const byClick = await admin('GET', `/visitor-data?clickId=${mine[0].id}`);
    expect(byClick.status).toBe(200);
    expect(byClick.body.clicks).toEqual([
      expect.objectContaining({ id: mine[0].id, ip: visitorIp, user_agent: 'Mozilla/5.0' }),
    ]);
    expect(byClick.body.conversions).toEqual([expect.objectContaining({ click_id: mine[0].id })]);
    expect(byClick.body.conversionEvents).toHaveLength(1);
    expect(byClick.body.postbackLog).toEqual([expect.objectContaining({ body: '{"click_id":"x"}' })]);
    const byIp = await admin('GET', `/visitor-data?ip=${visitorIp}`);
    expect(byIp.body.clicks.map((c: { id: string }) => c.id)).toEqual(mine.map((c) => c.id));
    const windowed = await admin('GET', `/visitor-data?ip=${visitorIp}&from=${T0 + 1}&to=${T0 + 10_000}`);
    expect(windowed.body.clicks.map((c: { id: string }) => c.id)).toEqual([mine[1].id]);
    expect((await admin('GET', '/visitor-data')).status).toBe(400);
    expect((await admin('GET', `/visitor-data?ip=${visitorIp}&clickId=${mine[0].id}`)).status).toBe(400);
  });

  it('erases a visitor found by IP and leaves everyone else', async () => {
    const db = current().store.db;
    const deleted = await admin('DELETE', `/visitor-data?ip=${visitorIp}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({
      clicks: 2,
      conversions: 1,
      conversionEvents: 1,
      deliveries: 1,
      deliveryAttempts: 0,
      postbackLog: 1,
    });
    expect((await admin('GET', `/visitor-data?ip=${visitorIp}`)).body.clicks).toEqual([]);
    const left = await db.selectFrom('clicks').select('id').where('link_id', '=', link.linkId).execute();
    expect(left.map((c) => c.id)).toEqual([other.id]);
    expect(
      await db.selectFrom('conversions').select('id').where('click_id', '=', other.id).execute(),
    ).toHaveLength(1);
    const audit = (await admin('GET', '/audit-log?resource=visitor-data')).body.data;
    expect(audit).toEqual([expect.objectContaining({ method: 'DELETE', after: deleted.body })]);
    expect(JSON.stringify(audit)).not.toContain(visitorIp);
  });

  it('is for admins only', async () => {
    const store = current().store;
    for (const key of [
      await makeKey(store, 'advertiser', { advertiserId: link.advertiserId }),
      await makeKey(store, 'publisher', { publisherId: link.publisherId }),
    ]) {
      const call = apiClient(t.url, key);
      expect((await call('GET', `/visitor-data?clickId=${other.id}`)).status).toBe(403);
      expect((await call('DELETE', `/visitor-data?clickId=${other.id}`)).status).toBe(403);
    }
    expect((await apiClient(t.url, undefined)('GET', `/visitor-data?clickId=${other.id}`)).status).toBe(401);
    expect((await admin('GET', `/visitor-data?clickId=${other.id}`)).body.clicks).toHaveLength(1);
  });
});
