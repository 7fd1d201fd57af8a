import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type LinkRef,
  seedClick,
  seedConversion,
  seedPostbackLog,
} from '../../../test/support/activity-rows.ts';
import { apiClient, type Call, makeKey } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import { createApiKey } from '../../auth/api-key.service.ts';

describeEachStore('conversions and postback-log API', (current) => {
  let t: TestApp;
  let admin: Call;
  let link: LinkRef;
  const T0 = Date.UTC(2026, 0, 10);
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    t = await startTestApp(current().store);
    admin = apiClient(t.url, TEST_ADMIN_KEY);
    const db = current().store.db;
    const a = (await admin('POST', '/advertisers', { name: 'A' })).body;
    const o = (await admin('POST', '/offers', { advertiserId: a.id, name: 'O', url: 'https://o.test/' }))
      .body;
    const p = (await admin('POST', '/publishers', { name: 'P' })).body;
    const l = (await admin('POST', '/links', { offerId: o.id, publisherId: p.id })).body;
    link = { linkId: l.id, offerId: o.id, publisherId: p.id, advertiserId: a.id };
    const c1 = await seedClick(db, link, T0);
    const c2 = await seedClick(db, link, T0 + 3_600_000);
    const c3 = await seedClick(db, link, T0 + 7_200_000);
    ids.pending = (await seedConversion(db, c1)).id;
    ids.approved = (
      await seedConversion(db, c2, { status: 'approved', needs_review: 1, review_reason: 'payout_mismatch' })
    ).id;
    ids.reversed = (await seedConversion(db, c3, { status: 'reversed' })).id;
    await seedPostbackLog(db, a.id, T0, { result: 'accepted', code: 'accepted' });
    await seedPostbackLog(db, a.id, T0 + 1000, { result: 'rejected', code: 'bad_token', http_status: 403 });
    await seedPostbackLog(db, null, T0 + 2000, {
      result: 'rejected',
      code: 'missing_click_id',
      http_status: 400,
    });
  });
  afterAll(() => t.close());

  it('lists newest first and filters by status, needsReview, offer, publisher, advertiser and time', async () => {
    const all = await admin('GET', '/conversions');
    expect(all.body.data.map((c: { id: string }) => c.id)).toEqual([ids.reversed, ids.approved, ids.pending]);
    const q = async (query: string) =>
      (await admin('GET', `/conversions?${query}`)).body.data.map((c: { id: string }) => c.id);
    expect(await q('status=approved')).toEqual([ids.approved]);
    expect(await q('needsReview=true')).toEqual([ids.approved]);
    expect(await q('needsReview=false')).toEqual([ids.reversed, ids.pending]);
    expect(
      await q(`offerId=${link.offerId}&publisherId=${link.publisherId}&advertiserId=${link.advertiserId}`),
    ).toHaveLength(3);
    expect(await q(`offerId=${link.offerId + 100}`)).toEqual([]);
    expect(await q(`from=${T0 + 3_600_000}&to=${T0 + 7_200_000}`)).toEqual([ids.approved]);
    const bad = await admin('GET', '/conversions?status=paid');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('status');
  });

  it('pages with a cursor without repeats or gaps', async () => {
    const first = await admin('GET', '/conversions?limit=2');
    expect(first.body.data).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await admin(
      'GET',
      `/conversions?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(second.body.data.map((c: { id: string }) => c.id)).toEqual([ids.pending]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('returns one conversion with its status history', async () => {
    const reply = await admin('GET', `/conversions/${ids.approved}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id: ids.approved,
      status: 'approved',
      needsReview: true,
      reviewReason: 'payout_mismatch',
      payout: 1.5,
      revenue: 2.5,
      goal: 'default',
    });
    expect(reply.body.history).toEqual([
      expect.objectContaining({ fromStatus: null, toStatus: 'approved', source: 'postback' }),
    ]);
    expect((await admin('GET', '/conversions/cv_nope')).status).toBe(404);
  });

  it('changes a status by hand through the lifecycle service, recording a manual event', async () => {
    const reply = await admin('POST', `/conversions/${ids.pending}/status`, {
      status: 'approved',
      reason: 'verified by phone',
    });
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('approved');
    expect(reply.body.history.at(-1)).toMatchObject({
      fromStatus: 'pending',
      toStatus: 'approved',
      source: 'manual',
      reason: 'verified by phone',
    });
    const illegal = await admin('POST', `/conversions/${ids.reversed}/status`, {
      status: 'approved',
      reason: 'oops',
    });
    expect(illegal.status).toBe(409);
    expect(illegal.body.error.code).toBe('illegal_transition');
    const missingReason = await admin('POST', `/conversions/${ids.pending}/status`, { status: 'rejected' });
    expect(missingReason.status).toBe(400);
    expect(missingReason.body.error.message).toContain('reason');
    const unknown = await admin('POST', '/conversions/cv_nope/status', { status: 'approved', reason: 'x' });
    expect(unknown.status).toBe(404);
  });

  it('lets an admin override the lifecycle with a reason, recording who did it; refuses it to others', async () => {
    const db = current().store.db;
    const created = await createApiKey(db, { role: 'admin' }, Date.now());
    const keyed = apiClient(t.url, created.key);
    const c = await seedClick(db, link, T0 + 9_000_000);
    const reversedId = (await seedConversion(db, c, { status: 'reversed' })).id;

    const refused = await keyed('POST', `/conversions/${reversedId}/status`, {
      status: 'approved',
      reason: 'r',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('override');
    for (const role of ['publisher', 'advertiser'] as const) {
      const other = apiClient(
        t.url,
        await makeKey(
          current().store,
          role,
          role === 'publisher' ? { publisherId: link.publisherId } : { advertiserId: link.advertiserId },
        ),
      );
      const denied = await other('POST', `/conversions/${reversedId}/status`, {
        status: 'approved',
        reason: 'r',
        override: true,
      });
      expect(denied.status).toBe(403);
    }

    const moved = await keyed('POST', `/conversions/${reversedId}/status`, {
      status: 'approved',
      reason: 'chargeback withdrawn by the network',
      override: true,
    });
    expect(moved.status).toBe(200);
    expect(moved.body.status).toBe('approved');
    expect(moved.body.history.at(-1)).toMatchObject({
      fromStatus: 'reversed',
      toStatus: 'approved',
      source: 'override',
      reason: 'chargeback withdrawn by the network',
      actor: `key:${created.row.id}`,
    });
    // A legal move with the override flag is an ordinary manual change; the env key is "env".
    const legal = await admin('POST', `/conversions/${reversedId}/status`, {
      status: 'rejected',
      reason: 'fraud after all',
      override: true,
    });
    expect(legal.body.history.at(-1)).toMatchObject({
      source: 'manual',
      actor: 'env',
      reason: 'fraud after all',
    });
  });

  it('lists the inbound postback log with filters', async () => {
    const all = await admin('GET', '/postback-log');
    expect(all.status).toBe(200);
    expect(all.body.data).toHaveLength(3);
    expect(all.body.data[0]).toMatchObject({
      code: 'missing_click_id',
      advertiserId: null,
      httpStatus: 400,
      insecure: false,
    });
    expect(all.body.data[0].headers).toEqual({ 'user-agent': 'curl/8' });
    const q = async (query: string) =>
      (await admin('GET', `/postback-log?${query}`)).body.data.map((e: { code: string }) => e.code);
    expect(await q(`advertiserId=${link.advertiserId}`)).toEqual(['bad_token', 'accepted']);
    expect(await q('result=rejected')).toEqual(['missing_click_id', 'bad_token']);
    expect(await q('code=bad_token')).toEqual(['bad_token']);
    expect(await q(`from=${T0 + 500}&to=${T0 + 1500}`)).toEqual(['bad_token']);
    const paged = await admin('GET', '/postback-log?limit=2');
    const rest = await admin('GET', `/postback-log?limit=2&cursor=${paged.body.nextCursor}`);
    expect(rest.body.data.map((e: { code: string }) => e.code)).toEqual(['accepted']);
  });
});
