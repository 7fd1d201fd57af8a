// What the log screens read: the inbound log found by click id, txn id and conversion with each
// hit explained; conversions by goal, txn id and click with their click time; clicks by sub ids,
// geo, device, bot flag and ad-platform click ids; one conversion's deliveries; queue health; and
// an idempotent bulk resend. Each read is checked for every role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LinkRef, seedClick, seedConversion } from '../../../test/support/activity-rows.ts';
import { apiClient, type Call, makeKey } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { type Receiver, seedDeliveries, startReceiver } from '../../../test/support/receiver.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import { INBOUND_CODES } from '../../conversions/inbound/inbound-codes.ts';
import { INBOUND_EXPLANATIONS } from '../../conversions/inbound/inbound-explanations.ts';
import { setEndpointEnabled } from '../../deliveries/endpoint-health.ts';
import { newId } from '../../shared/ids.ts';

type Role = 'admin' | 'advertiser' | 'publisher';
const ROLES: Role[] = ['admin', 'advertiser', 'publisher'];
const ids = (reply: { body: { data: { id: string | number }[] } }) => reply.body.data.map((x) => x.id);

describe('inbound explanations', () => {
  it('explain every code the inbound path can answer, in words that name what to do', () => {
    expect(Object.keys(INBOUND_EXPLANATIONS).sort()).toEqual(Object.keys(INBOUND_CODES).sort());
    for (const { meaning, action } of Object.values(INBOUND_EXPLANATIONS)) {
      expect(meaning.length).toBeGreaterThan(20);
      expect(action.length).toBeGreaterThan(20);
    }
  });
});

describeEachStore('log screens API', (current) => {
  let t: TestApp;
  let receiver: Receiver;
  const as = {} as Record<Role, Call>;
  let mine: LinkRef;
  let theirs: LinkRef;
  let token: string;
  const T0 = Date.now() - 3_600_000;
  const w: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp(current().store, { retrySchedule: [3_600_000] });
    receiver = await startReceiver();
    as.admin = apiClient(t.url, TEST_ADMIN_KEY);
    const link = async (name: string) => {
      const a = (await as.admin('POST', '/advertisers', { name: `Adv ${name}` })).body;
      const o = (
        await as.admin('POST', '/offers', {
          advertiserId: a.id,
          name: `Offer ${name}`,
          url: 'https://o.test/?c={click_id}',
          goals: [{ key: 'install', name: 'Install' }],
        })
      ).body;
      const p = (await as.admin('POST', '/publishers', { name: `Pub ${name}` })).body;
      const l = (await as.admin('POST', '/links', { offerId: o.id, publisherId: p.id })).body;
      return {
        ref: { linkId: l.id, offerId: o.id, publisherId: p.id, advertiserId: a.id },
        token: a.postbackToken as string,
      };
    };
    const first = await link('one');
    mine = first.ref;
    token = first.token;
    theirs = (await link('two')).ref;
    const db = current().store.db;
    const plain = await seedClick(db, mine, T0);
    const tagged = await seedClick(db, mine, T0 + 1000, {
      sub1: 'fb-campaign',
      sub3: 'adset-9',
      country: 'FR',
      device: 'desktop',
      fbclid: 'IwAR-1',
      gclid: null,
    });
    const bot = await seedClick(db, mine, T0 + 2000, { is_bot: 1, gclid: 'Cj0-1', country: 'US' });
    const foreign = await seedClick(db, theirs, T0 + 3000, { sub1: 'fb-campaign', fbclid: 'IwAR-2' });
    Object.assign(w, { plain: plain.id, tagged: tagged.id, bot: bot.id, foreign: foreign.id });
    w.cvInstall = (await seedConversion(db, tagged, { goal: 'install', txn_id: 'order-77' })).id;
    w.cvDefault = (await seedConversion(db, plain, { txn_id: 'order-78', created_at: T0 + 61_000 })).id;
    w.cvForeign = (await seedConversion(db, foreign, { txn_id: 'order-77' })).id;
    as.advertiser = apiClient(
      t.url,
      await makeKey(current().store, 'advertiser', { advertiserId: mine.advertiserId }),
    );
    as.publisher = apiClient(
      t.url,
      await makeKey(current().store, 'publisher', { publisherId: mine.publisherId }),
    );
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  async function hit(query: string) {
    const response = await fetch(`${t.url}/postback?${query}`);
    return { status: response.status, body: await response.json() };
  }

  it('logs the click id and txn id of every inbound hit and explains its result', async () => {
    const rejected = await hit(`token=${token}&click_id=nope-${w.tagged}&txn_id=T-1`);
    expect(rejected).toMatchObject({ status: 404, body: { code: 'unknown_click' } });
    const accepted = await hit(`token=${token}&clickid=${w.bot}&tid=T-2&status=approved`);
    expect(accepted.body.code).toBe('conversion_created');
    await hit(`token=${token}&txn_id=T-3`);

    const byClick = await as.admin('GET', `/postback-log?clickId=nope-${w.tagged}`);
    expect(byClick.body.data).toHaveLength(1);
    expect(byClick.body.data[0]).toMatchObject({
      code: 'unknown_click',
      result: 'rejected',
      clickId: `nope-${w.tagged}`,
      txnId: 'T-1',
      method: 'GET',
      advertiserId: mine.advertiserId,
      meaning: INBOUND_EXPLANATIONS.unknown_click.meaning,
      action: expect.stringContaining('click id you passed in the offer URL'),
    });
    const byTxn = await as.admin('GET', '/postback-log?txnId=T-2');
    expect(byTxn.body.data.map((h: { code: string }) => h.code)).toEqual(['conversion_created']);
    const conversionId = accepted.body.conversionId as string;
    const byConversion = await as.admin('GET', `/postback-log?conversionId=${conversionId}`);
    expect(byConversion.body.data.map((h: { txnId: string }) => h.txnId)).toEqual(['T-2']);
    const missing = await as.admin(
      'GET',
      `/postback-log?code=missing_click_id&advertiserId=${mine.advertiserId}`,
    );
    expect(missing.body.data[0]).toMatchObject({ clickId: null, txnId: 'T-3' });
    expect(missing.body.data[0].action).toBe(INBOUND_EXPLANATIONS.missing_click_id.action);

    // The advertiser reads its own hits by click id; a publisher reads none.
    expect((await as.advertiser('GET', `/postback-log?txnId=T-2`)).body.data).toHaveLength(1);
    expect((await as.publisher('GET', `/postback-log?txnId=T-2`)).status).toBe(403);
  });

  it('filters conversions by goal, txn id and click, and says when the click happened', async () => {
    const q = async (role: Role, query: string) => ids(await as[role]('GET', `/conversions?${query}`));
    expect(await q('admin', 'goal=install')).toContain(w.cvInstall);
    expect(await q('admin', 'goal=install')).not.toContain(w.cvDefault);
    expect((await q('admin', 'txnId=order-77')).sort()).toEqual([w.cvInstall, w.cvForeign].sort());
    expect(await q('admin', `clickId=${w.tagged}`)).toEqual([w.cvInstall]);
    expect(await q('admin', `clickId=${w.tagged}&goal=default`)).toEqual([]);
    // Scoped keys: the same filters never reach past the key's own side.
    for (const role of ['advertiser', 'publisher'] as const) {
      expect(await q(role, 'txnId=order-77')).toEqual([w.cvInstall]);
      expect(await q(role, `clickId=${w.foreign}`)).toEqual([]);
    }
    const one = (await as.publisher('GET', `/conversions/${w.cvDefault}`)).body;
    expect(one.clickedAt).toBe(T0);
    expect(one.createdAt - one.clickedAt).toBe(61_000);
  });

  it("pages through one click's conversions by cursor, newest first", async () => {
    const db = current().store.db;
    const click = await seedClick(db, theirs, T0 + 10_000);
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const at = T0 + 20_000 + i;
      made.push(
        (await seedConversion(db, click, { id: newId(at, 'cv_'), goal: `g${i}`, created_at: at })).id,
      );
    }
    const first = await as.admin('GET', `/conversions?clickId=${click.id}&limit=2`);
    expect(ids(first)).toEqual(made.slice().reverse().slice(0, 2));
    const second = await as.admin(
      'GET',
      `/conversions?clickId=${click.id}&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(ids(second)).toEqual([made[0]]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('filters clicks by sub ids, country, device, bot flag and ad-platform click ids', async () => {
    const q = async (role: Role, query: string) => {
      const reply = await as[role]('GET', `/clicks?${query}`);
      return reply.status === 200 ? ids(reply) : reply.status;
    };
    expect((await q('admin', 'sub1=fb-campaign')) as string[]).toEqual([w.foreign, w.tagged]);
    expect(await q('admin', `sub1=fb-campaign&sub3=adset-9`)).toEqual([w.tagged]);
    expect(await q('admin', `publisherId=${mine.publisherId}&country=fr`)).toEqual([w.tagged]);
    expect(await q('admin', `publisherId=${mine.publisherId}&device=desktop`)).toEqual([w.tagged]);
    expect(await q('admin', `publisherId=${mine.publisherId}&isBot=true`)).toEqual([w.bot]);
    expect(await q('admin', `publisherId=${mine.publisherId}&isBot=false`)).toEqual([w.tagged, w.plain]);
    expect(await q('admin', `publisherId=${mine.publisherId}&hasFbclid=true`)).toEqual([w.tagged]);
    expect(await q('admin', `publisherId=${mine.publisherId}&hasGclid=true`)).toEqual([w.bot]);
    expect(await q('admin', `publisherId=${mine.publisherId}&hasFbclid=false&hasGclid=false`)).toEqual([
      w.plain,
    ]);
    expect(await q('admin', `publisherId=${mine.publisherId}&hasTtclid=true`)).toEqual([]);
    expect((await as.admin('GET', '/clicks?country=FRA')).status).toBe(400);
    expect((await as.admin('GET', '/clicks?sub11=x')).status).toBe(400);
    // Roles: the publisher sees its own matches only; the advertiser no clicks at all.
    expect(await q('publisher', 'sub1=fb-campaign')).toEqual([w.tagged]);
    expect(await q('publisher', 'hasFbclid=true')).toEqual([w.tagged]);
    expect(await q('advertiser', 'sub1=fb-campaign')).toBe(403);
  });

  it("lists one conversion's deliveries, and answers queue health to admins only", async () => {
    receiver.answer = () => ({ status: 200 });
    const seeded = await seedDeliveries(current().store.db, receiver.url, 2);
    const [first] = seeded.deliveryIds;
    const row = (await as.admin('GET', `/deliveries/${first}`)).body;
    const own = await as.admin('GET', `/deliveries?conversionId=${row.conversionId}`);
    expect(ids(own)).toEqual([first]);
    expect(own.body.nextCursor).toBeNull();
    expect(ids(await as.admin('GET', `/deliveries?conversionId=${row.conversionId}&status=failed`))).toEqual(
      [],
    );
    expect(ids(await as.publisher('GET', `/deliveries?conversionId=${row.conversionId}`))).toEqual([]);

    await setEndpointEnabled(current().store.db, seeded.postbackId, false, Date.now());
    const health = await as.admin('GET', '/deliveries/health');
    expect(health.status).toBe(200);
    expect(health.body.pending).toBe(health.body.counts.pending);
    const total = await current()
      .store.db.selectFrom('deliveries')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const counted = Object.values(health.body.counts as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(counted).toBe(Number(total.n));
    expect(health.body.oldestPendingAgeMs === null || health.body.oldestPendingAgeMs >= 0).toBe(true);
    expect(health.body.failingEndpoints).toContainEqual(
      expect.objectContaining({ postbackId: seeded.postbackId, state: 'disabled' }),
    );
    for (const role of ['advertiser', 'publisher'] as const) {
      expect((await as[role]('GET', '/deliveries/health')).status).toBe(403);
    }
  });

  it("never lists a delivery to the network's own tracker to the publisher", async () => {
    const db = current().store.db;
    const seeded = await seedDeliveries(db, receiver.url, 1, { postback: { audience: 'network' } });
    const [id] = seeded.deliveryIds;
    const conversionId = (await as.admin('GET', `/deliveries/${id}`)).body.conversionId;
    const own = apiClient(
      t.url,
      await makeKey(current().store, 'publisher', { publisherId: seeded.publisherId }),
    );
    expect(ids(await own('GET', `/deliveries?conversionId=${conversionId}`))).toEqual([]);
    expect(ids(await own('GET', '/deliveries?limit=500'))).not.toContain(id);
    expect((await own('GET', `/deliveries/${id}`)).status).toBe(404);
    expect(ids(await as.admin('GET', `/deliveries?conversionId=${conversionId}`))).toEqual([id]);
  });

  it('requeues the failed deliveries of a postback once: a second call finds nothing to requeue', async () => {
    const db = current().store.db;
    const seeded = await seedDeliveries(db, receiver.url, 2);
    await db
      .updateTable('deliveries')
      .set({ status: 'failed', attempts: 5, completed_at: Date.now() })
      .where('id', 'in', seeded.deliveryIds)
      .execute();
    const body = { postbackId: seeded.postbackId, since: 0 };
    expect((await as.advertiser('POST', '/deliveries/resend', body)).status).toBe(403);
    expect((await as.admin('POST', '/deliveries/resend', body)).body).toEqual({ requeued: 2 });
    expect((await as.admin('POST', '/deliveries/resend', body)).body).toEqual({ requeued: 0 });
    const health = (await as.admin('GET', '/deliveries/health')).body;
    expect(health.oldestPendingAt).not.toBeNull();
  });

  it('lists every inbound code with its explanation to admins and advertisers', async () => {
    const codes = await as.advertiser('GET', '/postback-log/codes');
    expect(codes.status).toBe(200);
    expect(codes.body.data).toHaveLength(Object.keys(INBOUND_CODES).length);
    expect(codes.body.data).toContainEqual({
      code: 'unknown_click',
      result: 'rejected',
      httpStatus: 404,
      ...INBOUND_EXPLANATIONS.unknown_click,
    });
    expect((await as.admin('GET', '/postback-log/codes')).status).toBe(200);
    expect((await as.publisher('GET', '/postback-log/codes')).status).toBe(403);
  });

  it('answers each new read to each role as the roles table says', async () => {
    // path → status per role: advertisers never read clicks or deliveries, publishers never the inbound log.
    const matrix: [string, Record<Role, number>][] = [
      [`/postback-log?clickId=${w.tagged}`, { admin: 200, advertiser: 200, publisher: 403 }],
      ['/postback-log?txnId=T-2', { admin: 200, advertiser: 200, publisher: 403 }],
      [`/postback-log?conversionId=${w.cvInstall}`, { admin: 200, advertiser: 200, publisher: 403 }],
      ['/postback-log/codes', { admin: 200, advertiser: 200, publisher: 403 }],
      [`/conversions?clickId=${w.tagged}`, { admin: 200, advertiser: 200, publisher: 200 }],
      ['/conversions?goal=install&txnId=order-77', { admin: 200, advertiser: 200, publisher: 200 }],
      ['/clicks?sub3=adset-9&hasFbclid=true&isBot=false', { admin: 200, advertiser: 403, publisher: 200 }],
      [`/deliveries?conversionId=${w.cvInstall}`, { admin: 200, advertiser: 403, publisher: 200 }],
      ['/deliveries/health', { admin: 200, advertiser: 403, publisher: 403 }],
    ];
    for (const [path, expected] of matrix) {
      for (const role of ROLES) {
        const reply = await as[role]('GET', path);
        expect({ path, role, status: reply.status }).toEqual({ path, role, status: expected[role] });
        if (reply.status === 403) expect(reply.body.error.code).toBe('forbidden');
      }
    }
    // What each scoped role reads of the same conversion: its own side's money only.
    const seen = async (role: Role) =>
      (await as[role]('GET', `/conversions?clickId=${w.tagged}`)).body.data[0];
    expect(Object.keys(await seen('publisher'))).not.toContain('revenue');
    expect(Object.keys(await seen('advertiser'))).not.toContain('payout');
    expect(await seen('admin')).toMatchObject({ payout: 1.5, revenue: 2.5, clickedAt: T0 + 1000 });
  });

  it('refuses unknown filters on every list', async () => {
    for (const role of ROLES) {
      for (const path of ['/postback-log?clickid=x', '/conversions?click=x', '/clicks?fbclid=x']) {
        const reply = await as[role]('GET', path);
        expect([400, 403]).toContain(reply.status);
      }
    }
  });
});
