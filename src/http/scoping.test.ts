// The scoping matrix: every role × every resource × list / read own / read foreign / write.
// A foreign object answers 404 (ids do not leak); a resource a role may not touch at all, 403.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedClick, seedConversion, seedPostbackLog } from '../../test/support/activity-rows.ts';
import { apiClient, type Call, makeKey } from '../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../test/support/app.ts';
import { describeEachStore } from '../../test/support/stores.ts';

type Role = 'admin' | 'advertiser' | 'publisher';
type World = Record<string, string | number>;
/** Per role: the ids a list returns (exactly, as a set) or the status it answers. */
type ListExpect = { ids: string[] } | { status: number };

interface Row {
  resource: string;
  list: string;
  own?: string;
  foreign?: string;
  path: (id: string | number) => string;
  listExpect: Record<Role, ListExpect>;
  readOwn?: Record<Role, number>;
  readForeign?: Record<Role, number>;
  write?: {
    method: string;
    path: (w: World) => string;
    body: (w: World) => unknown;
    expect: Record<Role, number>;
  };
}

const MATRIX: Row[] = [
  {
    resource: 'advertisers',
    list: '/advertisers',
    own: 'a1',
    foreign: 'a2',
    path: (id) => `/advertisers/${id}`,
    listExpect: { admin: { ids: ['a1', 'a2'] }, advertiser: { ids: ['a1'] }, publisher: { status: 403 } },
    readOwn: { admin: 200, advertiser: 200, publisher: 403 },
    readForeign: { admin: 200, advertiser: 404, publisher: 403 },
    write: {
      method: 'POST',
      path: () => '/advertisers',
      body: () => ({ name: 'New' }),
      expect: { admin: 201, advertiser: 403, publisher: 403 },
    },
  },
  {
    resource: 'offers',
    list: '/offers',
    own: 'o1',
    foreign: 'o2',
    path: (id) => `/offers/${id}`,
    listExpect: { admin: { ids: ['o1', 'o2'] }, advertiser: { ids: ['o1'] }, publisher: { ids: ['o1'] } },
    readOwn: { admin: 200, advertiser: 200, publisher: 200 },
    readForeign: { admin: 200, advertiser: 404, publisher: 404 },
    write: {
      method: 'PATCH',
      path: (w) => `/offers/${w.o1}`,
      body: () => ({ payout: 9 }),
      expect: { admin: 200, advertiser: 403, publisher: 403 },
    },
  },
  {
    resource: 'publishers',
    list: '/publishers',
    own: 'p1',
    foreign: 'p2',
    path: (id) => `/publishers/${id}`,
    listExpect: { admin: { ids: ['p1', 'p2'] }, advertiser: { status: 403 }, publisher: { ids: ['p1'] } },
    readOwn: { admin: 200, advertiser: 403, publisher: 200 },
    readForeign: { admin: 200, advertiser: 403, publisher: 404 },
    write: {
      method: 'PATCH',
      path: (w) => `/publishers/${w.p1}`,
      body: () => ({ name: 'P1' }),
      expect: { admin: 200, advertiser: 403, publisher: 403 },
    },
  },
  {
    resource: 'links',
    list: '/links',
    own: 'l1',
    foreign: 'l2',
    path: (id) => `/links/${id}`,
    listExpect: { admin: { ids: ['l1', 'l2'] }, advertiser: { status: 403 }, publisher: { ids: ['l1'] } },
    readOwn: { admin: 200, advertiser: 403, publisher: 200 },
    readForeign: { admin: 200, advertiser: 403, publisher: 404 },
    write: {
      method: 'POST',
      path: () => '/links',
      body: (w) => ({ offerId: w.o2, publisherId: w.p2 }),
      expect: { admin: 201, advertiser: 403, publisher: 403 },
    },
  },
  {
    resource: 'clicks',
    list: '/clicks',
    own: 'c1',
    foreign: 'c2',
    path: (id) => `/clicks/${id}`,
    listExpect: { admin: { ids: ['c1', 'c2'] }, advertiser: { status: 403 }, publisher: { ids: ['c1'] } },
    readOwn: { admin: 200, advertiser: 403, publisher: 200 },
    readForeign: { admin: 200, advertiser: 403, publisher: 404 },
  },
  {
    resource: 'conversions',
    list: '/conversions',
    own: 'v1',
    foreign: 'v2',
    path: (id) => `/conversions/${id}`,
    listExpect: { admin: { ids: ['v1', 'v2'] }, advertiser: { ids: ['v1'] }, publisher: { ids: ['v1'] } },
    readOwn: { admin: 200, advertiser: 200, publisher: 200 },
    readForeign: { admin: 200, advertiser: 404, publisher: 404 },
    write: {
      method: 'POST',
      path: (w) => `/conversions/${w.v2}/status`,
      body: () => ({ status: 'approved', reason: 'checked' }),
      expect: { admin: 200, advertiser: 403, publisher: 403 },
    },
  },
  {
    resource: 'postback-log',
    list: '/postback-log',
    path: (id) => `/postback-log/${id}`,
    listExpect: { admin: { ids: ['g1', 'g2'] }, advertiser: { ids: ['g1'] }, publisher: { status: 403 } },
  },
  {
    resource: 'keys',
    list: '/keys',
    path: (id) => `/keys/${id}`,
    listExpect: { admin: { ids: [] }, advertiser: { status: 403 }, publisher: { status: 403 } },
    write: {
      method: 'POST',
      path: () => '/keys',
      body: () => ({ role: 'admin' }),
      expect: { admin: 201, advertiser: 403, publisher: 403 },
    },
  },
];

const ROLES: Role[] = ['admin', 'advertiser', 'publisher'];

describeEachStore('admin API scoping matrix', (current) => {
  let t: TestApp;
  const w: World = {};
  const as: Record<Role, Call> = {} as Record<Role, Call>;

  beforeAll(async () => {
    t = await startTestApp(current().store);
    const admin = apiClient(t.url, TEST_ADMIN_KEY);
    const db = current().store.db;
    const a1 = (await admin('POST', '/advertisers', { name: 'Adv 1' })).body;
    const a2 = (await admin('POST', '/advertisers', { name: 'Adv 2' })).body;
    w.a1 = a1.id;
    w.a2 = a2.id;
    w.a2token = a2.postbackToken;
    const offer = (advertiserId: number) => ({
      advertiserId,
      name: 'Offer',
      url: 'https://o.test/',
      payout: 1,
      revenue: 3.25,
      goals: [{ key: 'install', name: 'Install', payout: 1, revenue: 3.25 }],
    });
    w.o1 = (await admin('POST', '/offers', offer(a1.id))).body.id;
    w.o2 = (await admin('POST', '/offers', offer(a2.id))).body.id;
    w.p1 = (await admin('POST', '/publishers', { name: 'Pub 1' })).body.id;
    w.p2 = (await admin('POST', '/publishers', { name: 'Pub 2' })).body.id;
    w.l1 = (await admin('POST', '/links', { offerId: w.o1, publisherId: w.p1 })).body.id;
    w.l2 = (await admin('POST', '/links', { offerId: w.o2, publisherId: w.p2 })).body.id;
    const now = Date.now();
    const c1 = await seedClick(
      db,
      { linkId: +w.l1, offerId: +w.o1, publisherId: +w.p1, advertiserId: +w.a1 },
      now - 60_000,
    );
    const c2 = await seedClick(
      db,
      { linkId: +w.l2, offerId: +w.o2, publisherId: +w.p2, advertiserId: +w.a2 },
      now - 50_000,
    );
    w.c1 = c1.id;
    w.c2 = c2.id;
    w.v1 = (await seedConversion(db, c1)).id;
    w.v2 = (await seedConversion(db, c2)).id;
    w.g1 = (await seedPostbackLog(db, +w.a1, now)).id;
    w.g2 = (await seedPostbackLog(db, +w.a2, now)).id;
    as.admin = admin;
    as.advertiser = apiClient(t.url, await makeKey(current().store, 'advertiser', { advertiserId: +w.a1 }));
    as.publisher = apiClient(t.url, await makeKey(current().store, 'publisher', { publisherId: +w.p1 }));
  });
  afterAll(() => t.close());

  for (const row of MATRIX) {
    describe(row.resource, () => {
      for (const role of ROLES) {
        it(`${role}: list`, async () => {
          const expected = row.listExpect[role];
          const reply = await as[role]('GET', `${row.list}?limit=500`);
          if ('status' in expected) {
            expect(reply.status).toBe(expected.status);
            expect(reply.body.error.code).toBe('forbidden');
            return;
          }
          expect(reply.status).toBe(200);
          const ids = reply.body.data.map((x: { id: string | number }) => String(x.id));
          if (role === 'admin') for (const name of expected.ids) expect(ids).toContain(String(w[name]));
          else expect(ids.sort()).toEqual(expected.ids.map((n) => String(w[n])).sort());
        });
        if (row.own && row.readOwn) {
          it(`${role}: read own`, async () => {
            const reply = await as[role]('GET', row.path(w[row.own as string]));
            expect(reply.status).toBe(row.readOwn?.[role]);
            if (reply.status === 200) expect(String(reply.body.id)).toBe(String(w[row.own as string]));
          });
        }
        if (row.foreign && row.readForeign) {
          it(`${role}: read foreign`, async () => {
            const reply = await as[role]('GET', row.path(w[row.foreign as string]));
            expect(reply.status).toBe(row.readForeign?.[role]);
            if (reply.status === 404) expect(reply.body.error.code).toBe('not_found');
          });
        }
        if (row.write) {
          const write = row.write;
          it(`${role}: write`, async () => {
            const reply = await as[role](write.method, write.path(w), write.body(w));
            expect(reply.status).toBe(write.expect[role]);
          });
        }
      }
    });
  }

  it('publishers never see revenue or advertiser tokens, in any answer', async () => {
    const paths = [
      '/offers',
      `/offers/${w.o1}`,
      '/conversions',
      `/conversions/${w.v1}`,
      '/links',
      '/clicks',
      '/publishers',
    ];
    for (const path of paths) {
      const reply = await as.publisher('GET', path);
      expect(reply.status).toBe(200);
      const text = JSON.stringify(reply.body);
      expect(text).not.toContain('revenue');
      expect(text).not.toContain('postbackToken');
      expect(text).not.toContain(String(w.a2token));
    }
    // …while admins do see revenue.
    expect((await as.admin('GET', `/offers/${w.o1}`)).body.revenue).toBe(3.25);
    expect((await as.admin('GET', `/conversions/${w.v1}`)).body.revenue).toBe(2.5);
  });

  it('a filter naming someone else finds nothing instead of widening the scope', async () => {
    expect((await as.publisher('GET', `/clicks?publisherId=${w.p2}`)).body.data).toEqual([]);
    expect((await as.publisher('GET', `/links?publisherId=${w.p2}`)).body.data).toEqual([]);
    expect((await as.publisher('GET', `/conversions?publisherId=${w.p2}`)).body.data).toEqual([]);
    expect((await as.advertiser('GET', `/conversions?advertiserId=${w.a2}`)).body.data).toEqual([]);
    expect((await as.advertiser('GET', `/offers?advertiserId=${w.a2}`)).body.data).toEqual([]);
    expect((await as.advertiser('GET', `/postback-log?advertiserId=${w.a2}`)).body.data).toEqual([]);
    // The filter on the caller's own id still works.
    expect((await as.publisher('GET', `/clicks?publisherId=${w.p1}`)).body.data).toHaveLength(1);
  });

  it('an advertiser key may change only its own statusMap', async () => {
    const own = await as.advertiser('PATCH', `/advertisers/${w.a1}`, { statusMap: { ok: 'approved' } });
    expect(own.status).toBe(200);
    expect(own.body.statusMap).toEqual({ ok: 'approved' });
    const name = await as.advertiser('PATCH', `/advertisers/${w.a1}`, { name: 'Mine now' });
    expect(name.status).toBe(403);
    expect(name.body.error.message).toContain('name');
    const allowlist = await as.advertiser('PATCH', `/advertisers/${w.a1}`, { ipAllowlist: [] });
    expect(allowlist.status).toBe(403);
    expect((await as.advertiser('PATCH', `/advertisers/${w.a2}`, { statusMap: {} })).status).toBe(404);
    expect((await as.advertiser('POST', `/advertisers/${w.a1}/rotate-token`)).status).toBe(403);
    expect((await as.publisher('PATCH', `/advertisers/${w.a1}`, { statusMap: {} })).status).toBe(403);
  });

  it('a publisher key may rotate its own signing secret and sees its own secret only', async () => {
    const self = await as.publisher('GET', `/publishers/${w.p1}`);
    expect(self.body.signingSecret).toMatch(/^whsec_/);
    const rotated = await as.publisher('POST', `/publishers/${w.p1}/rotate-signing-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.signingSecret).not.toBe(self.body.signingSecret);
    expect((await as.publisher('POST', `/publishers/${w.p2}/rotate-signing-secret`)).status).toBe(404);
    expect((await as.advertiser('POST', `/publishers/${w.p1}/rotate-signing-secret`)).status).toBe(403);
  });

  it('deletes are admin-only', async () => {
    for (const path of [`/links/${w.l1}`, `/offers/${w.o1}`, `/publishers/${w.p1}`, `/advertisers/${w.a1}`]) {
      expect((await as.publisher('DELETE', path)).status).toBe(403);
      expect((await as.advertiser('DELETE', path)).status).toBe(403);
    }
    expect((await as.admin('GET', `/links/${w.l1}`)).status).toBe(200);
  });
});
