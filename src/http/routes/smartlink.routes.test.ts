import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type Call, makeKey } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { describeEachStore } from '../../../test/support/stores.ts';

describeEachStore('SmartLinks API', (current) => {
  let t: TestApp;
  let admin: Call;
  let advertiserKey: Call;
  let publisherKey: Call;
  const o: number[] = [];
  let publisherId: number;
  let changes = 0;

  beforeAll(async () => {
    t = await startTestApp(current().store);
    admin = apiClient(t.url, TEST_ADMIN_KEY);
    const adv = (await admin('POST', '/advertisers', { name: 'A' })).body;
    for (const name of ['O1', 'O2', 'O3']) {
      o.push(
        (await admin('POST', '/offers', { advertiserId: adv.id, name, url: 'https://o.test/' })).body.id,
      );
    }
    publisherId = (await admin('POST', '/publishers', { name: 'P' })).body.id;
    advertiserKey = apiClient(t.url, await makeKey(current().store, 'advertiser', { advertiserId: adv.id }));
    publisherKey = apiClient(t.url, await makeKey(current().store, 'publisher', { publisherId }));
    t.ctx.events.on('catalog.changed', () => changes++);
  });
  afterAll(() => t.close());

  const body = () => ({
    name: 'Mobile sweepstakes',
    fallbackUrl: 'https://fallback.test/?c={click_id}&s={smartlink_id}',
    rules: [
      { name: 'DE iPhone', match: { countries: ['de'], os: ['iOS'] }, offers: [{ offerId: o[0] }] },
      {
        match: { devices: ['Mobile'] },
        offers: [
          { offerId: o[1], weight: 70 },
          { offerId: o[2], weight: 30, paused: true },
        ],
      },
    ],
  });

  it('creates a SmartLink with numbered rules, normalised matches and defaults, and says so to the caches', async () => {
    const before = changes;
    const reply = await admin('POST', '/smartlinks', body());
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      name: 'Mobile sweepstakes',
      autoOptimize: false,
      optimizeWindowHours: 24,
      optimizedWeights: null,
      rules: [
        {
          id: 1,
          name: 'DE iPhone',
          match: { countries: ['DE'], os: ['ios'] },
          offers: [{ offerId: o[0], weight: 1, paused: false }],
        },
        {
          id: 2,
          name: 'Rule 2',
          match: { devices: ['mobile'] },
          offers: [{ weight: 70 }, { weight: 30, paused: true }],
        },
      ],
    });
    expect(changes).toBe(before + 1);
    expect((await admin('GET', `/smartlinks/${reply.body.id}`)).body).toEqual(reply.body);
    const list = await admin('GET', '/smartlinks?limit=500');
    expect(list.body.data.map((s: { id: number }) => s.id)).toContain(reply.body.id);
  });

  it('keeps rule ids through a reorder and never reuses a deleted rule’s id', async () => {
    const created = (await admin('POST', '/smartlinks', body())).body;
    const [first, second] = created.rules;
    const reordered = await admin('PATCH', `/smartlinks/${created.id}`, {
      rules: [
        { id: second.id, match: second.match, offers: second.offers },
        { match: {}, offers: [{ offerId: o[2] }] },
      ],
    });
    expect(reordered.status).toBe(200);
    expect(reordered.body.rules.map((r: { id: number }) => r.id)).toEqual([2, 3]);
    expect(reordered.body.rules[0].name).toBe('Rule 2');
    const readded = await admin('PATCH', `/smartlinks/${created.id}`, {
      rules: [{ match: {}, offers: [{ offerId: o[0] }] }],
    });
    expect(readded.body.rules[0].id).toBe(4);
    const stale = await admin('PATCH', `/smartlinks/${created.id}`, {
      rules: [{ id: first.id, offers: [{ offerId: o[0] }] }],
    });
    expect(stale.status).toBe(400);
    expect(stale.body.error.message).toContain('rules[0].id');
  });

  it.each([
    [{ color: 'red' }, 400, 'validation_failed', 'color'],
    [{ rules: [{ offers: [{ offerId: 1, share: 3 }] }] }, 400, 'validation_failed', 'share'],
    [
      { rules: [{ match: { planet: ['mars'] }, offers: [{ offerId: 1 }] }] },
      400,
      'validation_failed',
      'planet',
    ],
    [{ rules: [{ offers: [] }] }, 400, 'validation_failed', 'offers'],
    [{ rules: [{ offers: [{ offerId: 999_999 }] }] }, 400, 'validation_failed', 'rules[0].offers[0].offerId'],
    [
      { rules: [{ match: { countries: ['Germany'] }, offers: [{ offerId: 1 }] }] },
      400,
      'validation_failed',
      'countries',
    ],
    [{ rules: [{ offers: [{ offerId: 1, weight: -1 }] }] }, 400, 'validation_failed', 'weight'],
    [{ fallbackUrl: 'ftp://x.test/' }, 400, 'validation_failed', 'fallbackUrl'],
    [{ fallbackUrl: 'https://x.test/?c={clik_id}' }, 422, 'unknown_macro', 'click_id'],
    [{ fallbackUrl: 'https://{sub1}.test/' }, 422, 'macro_in_host', 'fallbackUrl'],
  ])('refuses %j with %i %s naming %s', async (patch, status, code, named) => {
    const reply = await admin('POST', '/smartlinks', { ...body(), ...patch });
    expect(reply.status).toBe(status);
    expect(reply.body.error.code).toBe(code);
    expect(reply.body.error.message).toContain(named);
  });

  it('points a link at a SmartLink and refuses to delete a SmartLink a link uses', async () => {
    const smart = (await admin('POST', '/smartlinks', body())).body;
    const link = await admin('POST', '/links', { smartlinkId: smart.id, publisherId });
    expect(link.status).toBe(201);
    // Without an offer given, fallback clicks count under the SmartLink's first offer.
    expect(link.body).toMatchObject({ smartlinkId: smart.id, offerId: o[0] });
    expect((await admin('POST', '/links', { publisherId })).body.error.message).toContain('offerId');
    expect(
      (await admin('POST', '/links', { smartlinkId: 999_999, publisherId })).body.error.message,
    ).toContain('smartlinkId');
    const refused = await admin('DELETE', `/smartlinks/${smart.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conflict');
    const unpointed = await admin('PATCH', `/links/${link.body.id}`, { smartlinkId: null });
    expect(unpointed.body.smartlinkId).toBeNull();
    // An offer a SmartLink's rules name cannot be deleted from under it.
    const offerDelete = await admin('DELETE', `/offers/${o[1]}`);
    expect(offerDelete.status).toBe(409);
    expect(offerDelete.body.error.message).toContain(`#${smart.id}`);
    expect((await admin('DELETE', `/smartlinks/${smart.id}`)).status).toBe(204);
    expect((await admin('GET', `/smartlinks/${smart.id}`)).status).toBe(404);
  });

  it('answers "which offer would this visitor get" with the click path’s resolver', async () => {
    const smart = (await admin('POST', '/smartlinks', body())).body;
    const test = (visitor: object) => admin('POST', `/smartlinks/${smart.id}/test`, visitor);
    expect((await test({ country: 'DE', os: 'iOS', device: 'mobile' })).body).toEqual({
      result: 'offer',
      ruleId: 1,
      ruleName: 'DE iPhone',
      offerId: o[0],
      fallbackUrl: null,
      candidates: [{ offerId: o[0], share: 1 }],
    });
    // The paused offer is no candidate.
    expect((await test({ country: 'US', device: 'mobile' })).body).toMatchObject({
      result: 'offer',
      ruleId: 2,
      offerId: o[1],
      candidates: [{ offerId: o[1], share: 1 }],
    });
    expect((await test({ country: 'US', device: 'desktop', os: 'Windows' })).body).toEqual({
      result: 'fallback',
      ruleId: null,
      ruleName: null,
      offerId: null,
      fallbackUrl: smart.fallbackUrl,
      candidates: [],
    });
    expect((await test({ country: 'Deutschland' })).status).toBe(400);
    expect((await test({ planet: 'mars' })).status).toBe(400);
    expect((await admin('POST', '/smartlinks/999999/test', {})).status).toBe(404);
  });

  describe('roles', () => {
    it.each([
      ['GET', '/smartlinks'],
      ['GET', '/smartlinks/1'],
      ['POST', '/smartlinks'],
      ['PATCH', '/smartlinks/1'],
      ['DELETE', '/smartlinks/1'],
      ['POST', '/smartlinks/1/test'],
    ])('%s %s: admin only; advertiser and publisher keys get 403', async (method, path) => {
      const payload =
        method === 'POST' || method === 'PATCH' ? (path.endsWith('test') ? {} : body()) : undefined;
      for (const caller of [advertiserKey, publisherKey]) {
        const reply = await caller(method, path, payload);
        expect(reply.status).toBe(403);
        expect(reply.body.error.code).toBe('forbidden');
      }
      expect((await apiClient(t.url, undefined)(method, path, payload)).status).toBe(401);
    });
  });
});
