import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type LinkRef,
  seedClick,
  seedConversion,
  seedPostbackLog,
} from '../../test/support/activity-rows.ts';
import { startTestApp, type TestApp } from '../../test/support/app.ts';
import { createCatalog } from '../../test/support/fixtures.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { sumWindow } from '../dashboard/overview.repository.ts';
import type { Db } from '../db/database.types.ts';
import { ManualClock } from '../shared/clock.ts';
import { anonymizeIp } from './anonymize-ip.ts';
import { applyRetention, getRetentionSettings, updateRetentionSettings } from './retention.service.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);

async function seedAttempt(db: Db, at: number) {
  return db
    .insertInto('delivery_attempts')
    .values({
      delivery_id: null,
      postback_id: 1,
      attempt_no: 1,
      trigger: 'test',
      url: 'https://publisher.test/pb',
      method: 'POST',
      request_headers: '{}',
      request_body: '{"click_id":"x"}',
      status_code: 200,
      response_excerpt: 'ok',
      response_truncated: 0,
      duration_ms: 3,
      created_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

it('anonymises IPv4 to /24 and IPv6 to /48', () => {
  expect(anonymizeIp('198.51.100.7')).toBe('198.51.100.0');
  expect(anonymizeIp('::ffff:198.51.100.7')).toBe('198.51.100.0');
  expect(anonymizeIp('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe('2001:db8:85a3::');
  expect(anonymizeIp('2001:db8::1')).toBe('2001:db8:0::');
  expect(anonymizeIp('::1')).toBe('0:0:0::');
  expect(anonymizeIp('not an ip')).toBeNull();
  expect(anonymizeIp(null)).toBeNull();
});

describeEachStore('retention', (current) => {
  let t: TestApp;
  let link: LinkRef;
  const clock = new ManualClock(NOW);
  beforeAll(async () => {
    t = await startTestApp(current().store, {}, clock);
    const c = await createCatalog(current().store.db);
    link = {
      linkId: c.link.id,
      offerId: c.offer.id,
      publisherId: c.publisher.id,
      advertiserId: c.advertiser.id,
    };
  });
  afterAll(() => t.close());

  it('anonymises old clicks and empties old bodies in small batches, keeping every row and count', async () => {
    const db = current().store.db;
    const old = [];
    for (let i = 0; i < 7; i++) {
      old.push(
        await seedClick(db, link, NOW - 40 * DAY + i * 1000, {
          ip: i % 2 ? '2001:db8:85a3:8d3::7' : `198.51.100.${i + 1}`,
        }),
      );
    }
    const fresh = await seedClick(db, link, NOW - 10 * DAY);
    const conversion = await seedConversion(db, old[0]);
    const oldLogs = [
      await seedPostbackLog(db, link.advertiserId, NOW - 40 * DAY, { body: '{"payout":"1"}' }),
      await seedPostbackLog(db, link.advertiserId, NOW - 39 * DAY, { body: '{"payout":"2"}' }),
    ];
    const freshLog = await seedPostbackLog(db, link.advertiserId, NOW - DAY, { body: '{"payout":"3"}' });
    const oldAttempt = await seedAttempt(db, NOW - 35 * DAY);
    const freshAttempt = await seedAttempt(db, NOW - 2 * DAY);
    const totalsBefore = await sumWindow(db, NOW - 60 * DAY, NOW, {});

    // Nothing happens until retention is configured.
    expect(await applyRetention(t.ctx, { now: NOW, batchSize: 3 })).toMatchObject({
      clicksAnonymized: 0,
      logBodiesDeleted: 0,
    });
    await expect(updateRetentionSettings(t.ctx, { anonymizeAfterDays: 0 })).rejects.toThrow(
      /whole number of days/,
    );
    const settings = await updateRetentionSettings(t.ctx, {
      anonymizeAfterDays: 30,
      purgeBodiesAfterDays: 30,
    });
    expect(settings).toMatchObject({ anonymizeAfterDays: 30, purgeBodiesAfterDays: 30 });

    const run = await applyRetention(t.ctx, { now: NOW, batchSize: 3 });
    expect(run).toMatchObject({ clicksAnonymized: 7, logBodiesDeleted: 2, attemptBodiesDeleted: 1 });
    expect(run.batches).toBeGreaterThanOrEqual(3 + 1 + 1);

    const clicks = await db
      .selectFrom('clicks')
      .select(['id', 'ip', 'user_agent', 'country', 'sub1'])
      .where('link_id', '=', link.linkId)
      .orderBy('id')
      .execute();
    expect(clicks).toHaveLength(8);
    for (const [i, c] of clicks.slice(0, 7).entries()) {
      expect(c).toMatchObject({
        ip: i % 2 ? '2001:db8:85a3::' : '198.51.100.0',
        user_agent: null,
        country: 'DE',
        sub1: 'instagram',
      });
    }
    expect(clicks[7]).toMatchObject({ id: fresh.id, ip: '198.51.100.7', user_agent: 'Mozilla/5.0' });
    const logs = await db.selectFrom('postback_log').select(['id', 'body']).orderBy('id').execute();
    expect(logs.find((l) => l.id === oldLogs[0].id)?.body).toBeNull();
    expect(logs.find((l) => l.id === oldLogs[1].id)?.body).toBeNull();
    expect(logs.find((l) => l.id === freshLog.id)?.body).toBe('{"payout":"3"}');
    const attempts = await db
      .selectFrom('delivery_attempts')
      .select(['id', 'request_body', 'response_excerpt'])
      .orderBy('id')
      .execute();
    expect(attempts).toEqual([
      { id: oldAttempt.id, request_body: null, response_excerpt: null },
      { id: freshAttempt.id, request_body: '{"click_id":"x"}', response_excerpt: 'ok' },
    ]);
    // Conversions and their history are kept; the reports count the same.
    const kept = await db
      .selectFrom('conversions')
      .selectAll()
      .where('id', '=', conversion.id)
      .executeTakeFirstOrThrow();
    expect(kept).toMatchObject({ status: conversion.status, payout: conversion.payout, click_id: old[0].id });
    expect(
      await db
        .selectFrom('conversion_events')
        .select('id')
        .where('conversion_id', '=', conversion.id)
        .execute(),
    ).toHaveLength(1);
    expect(await sumWindow(db, NOW - 60 * DAY, NOW, {})).toEqual(totalsBefore);

    // A second run resumes past what it did; later, the rows that have aged are done too.
    expect(await applyRetention(t.ctx, { now: NOW, batchSize: 3 })).toMatchObject({
      clicksAnonymized: 0,
      logBodiesDeleted: 0,
      attemptBodiesDeleted: 0,
    });
    clock.set(NOW + 25 * DAY);
    const later = await applyRetention(t.ctx, { now: NOW + 25 * DAY, batchSize: 3 });
    expect(later).toMatchObject({ clicksAnonymized: 1, logBodiesDeleted: 0, attemptBodiesDeleted: 0 });
    expect((await getRetentionSettings(t.ctx)).lastRun).toMatchObject({ clicksAnonymized: 1 });
  });
});
