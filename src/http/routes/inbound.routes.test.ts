// Inbound postbacks end to end over real HTTP, in the exact URL shapes Trackier and RevBoost use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import {
  createInboundCatalog,
  type InboundCatalog,
  query,
  send,
} from '../../../test/support/inbound-fixtures.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import { ManualClock } from '../../shared/clock.ts';

describeEachStore('inbound postbacks', (current) => {
  const clock = new ManualClock(Date.UTC(2026, 2, 1));
  let app: TestApp;
  let catalog: InboundCatalog;
  let n = 0;
  const txn = () => `TX-${++n}-${Math.random().toString(36).slice(2)}`;
  const db = () => current().store.db;

  const conversionsOf = (clickId: string) =>
    db().selectFrom('conversions').selectAll().where('click_id', '=', clickId).execute();
  const eventsOf = (conversionId: string) =>
    db()
      .selectFrom('conversion_events')
      .selectAll()
      .where('conversion_id', '=', conversionId)
      .orderBy('id')
      .execute();
  const logCount = async () =>
    Number(
      (
        await db()
          .selectFrom('postback_log')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const lastLog = () =>
    db().selectFrom('postback_log').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();

  beforeAll(async () => {
    app = await startTestApp(current().store, {}, clock);
    catalog = await createInboundCatalog(db(), clock.now(), {
      payout: 3.5,
      revenue: 5,
      goals: [
        { key: 'install', payout: 1, revenue: 2 },
        { key: 'registration' },
        { key: 'purchase', payout: 10 },
      ],
    });
  });
  afterAll(async () => {
    await app.close();
  });

  describe('Trackier: /postback?token=…&click_id=…&revenue=…&sale_amount=…&txn_id=…&sub1=…&status=…&goal=…', () => {
    const trackier = (clickId: string, txnId: string) => ({
      token: catalog.token,
      click_id: clickId,
      revenue: '4.2',
      sale_amount: '120.50',
      txn_id: txnId,
      sub1: 'adset-7',
      status: 'approved',
      goal: 'install',
    });

    it('GET records the conversion, and the same postback again is a 200 duplicate with no second row', async () => {
      const clickId = await catalog.click(clock.now());
      const params = trackier(clickId, txn());
      const logsBefore = await logCount();
      const first = await send(`${app.url}/postback?${query(params)}`);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        result: 'accepted',
        code: 'conversion_created',
        status: 'approved',
      });
      const again = await send(`${app.url}/postback?${query(params)}`);
      expect(again).toEqual({
        status: 200,
        body: {
          result: 'duplicate',
          code: 'duplicate',
          conversionId: first.body.conversionId,
          status: 'approved',
        },
      });

      const rows = await conversionsOf(clickId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        id: first.body.conversionId,
        offer_id: catalog.offerId,
        advertiser_id: catalog.advertiserId,
        publisher_id: catalog.publisherId,
        link_id: catalog.linkId,
        goal: 'install',
        txn_id: params.txn_id,
        status: 'approved',
        status_raw: 'approved',
        payout: 1,
        revenue: 4.2,
        sale_amount: 120.5,
        currency: 'USD',
      });
      expect(await eventsOf(rows[0].id)).toHaveLength(1);
      expect((await logCount()) - logsBefore).toBe(2);
      const log = await lastLog();
      expect(log).toMatchObject({ method: 'GET', result: 'duplicate', code: 'duplicate', http_status: 200 });
      expect(log.url).toContain('token=REDACTED');
      expect(log.url).not.toContain(catalog.token);
      expect(log.body).not.toContain(catalog.token);
      expect(JSON.parse(log.body ?? '{}')).toMatchObject({ sub1: 'adset-7', sale_amount: '120.50' });
    });

    it('POST form and POST JSON are read the same way', async () => {
      for (const encoding of ['form', 'json'] as const) {
        const clickId = await catalog.click(clock.now());
        const params = trackier(clickId, txn());
        const body = encoding === 'form' ? { form: params } : { json: { ...params, revenue: 4.2 } };
        const first = await send(`${app.url}/postback`, body);
        expect(first.body).toMatchObject({ result: 'accepted', code: 'conversion_created' });
        const again = await send(`${app.url}/postback`, body);
        expect(again).toMatchObject({ status: 200, body: { result: 'duplicate' } });
        const rows = await conversionsOf(clickId);
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({
          goal: 'install',
          payout: 1,
          revenue: 4.2,
          sale_amount: 120.5,
          txn_id: params.txn_id,
        });
        expect((await lastLog()).method).toBe('POST');
      }
    });
  });

  describe('RevBoost: ?click_id=…&offer_id=…&payout=…&tx_id=…&user_id=…&secret=…', () => {
    const revboost = (clickId: string, txnId: string) => ({
      click_id: clickId,
      offer_id: String(catalog.offerId),
      payout: '3.50',
      tx_id: txnId,
      user_id: 'user_12345',
      secret: catalog.token,
    });

    it('GET without a status records an approved default-goal conversion and keeps the extra params in the log', async () => {
      const clickId = await catalog.click(clock.now());
      const params = revboost(clickId, txn());
      const first = await send(`${app.url}/postback?${query(params)}`);
      expect(first).toMatchObject({ status: 200, body: { result: 'accepted', status: 'approved' } });
      const again = await send(`${app.url}/postback?${query(params)}`);
      expect(again).toMatchObject({
        status: 200,
        body: { result: 'duplicate', conversionId: first.body.conversionId },
      });
      const rows = await conversionsOf(clickId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ goal: 'default', txn_id: params.tx_id, payout: 3.5, status_raw: null });
      const log = await lastLog();
      expect(log.url).toContain('secret=REDACTED');
      expect(JSON.parse(log.body ?? '{}')).toMatchObject({
        user_id: 'user_12345',
        offer_id: String(catalog.offerId),
      });
    });

    it('works as POST form and POST JSON, and on the advertiser URL /postback/<token>', async () => {
      for (const variant of ['form', 'json', 'path'] as const) {
        const clickId = await catalog.click(clock.now());
        const params = revboost(clickId, txn());
        const { secret: _secret, ...withoutSecret } = params;
        const request =
          variant === 'form'
            ? send(`${app.url}/postback`, { form: params })
            : variant === 'json'
              ? send(`${app.url}/postback`, { json: params })
              : send(`${app.url}/postback/${catalog.token}?${query(withoutSecret)}`);
        expect((await request).body).toMatchObject({ result: 'accepted', code: 'conversion_created' });
        expect(await conversionsOf(clickId)).toHaveLength(1);
        if (variant === 'path') expect((await lastLog()).url).toMatch(/^\/postback\/REDACTED\?/);
      }
    });
  });

  describe('lifecycle', () => {
    it('pending → approved → reversed moves one conversion and records each step', async () => {
      const clickId = await catalog.click(clock.now());
      const txnId = txn();
      const post = (status: string) =>
        send(
          `${app.url}/postback?${query({ token: catalog.token, clickid: clickId, transaction_id: txnId, status })}`,
        );
      const held = await post('Hold');
      expect(held.body).toMatchObject({ result: 'accepted', code: 'conversion_created', status: 'pending' });
      clock.advance(60_000);
      expect((await post('sale')).body).toMatchObject({
        result: 'accepted',
        code: 'status_changed',
        status: 'approved',
      });
      expect((await post('APPROVED')).body).toMatchObject({ result: 'duplicate', status: 'approved' });
      clock.advance(60_000);
      expect((await post('chargeback')).body).toMatchObject({ code: 'status_changed', status: 'reversed' });

      const [conversion] = await conversionsOf(clickId);
      expect(conversion).toMatchObject({
        id: held.body.conversionId,
        status: 'reversed',
        status_raw: 'chargeback',
      });
      const history = await eventsOf(conversion.id);
      expect(history.map((e) => [e.from_status, e.to_status, e.status_raw, e.source])).toEqual([
        [null, 'pending', 'Hold', 'postback'],
        ['pending', 'approved', 'sale', 'postback'],
        ['approved', 'reversed', 'chargeback', 'postback'],
      ]);
      expect(history.every((e) => e.postback_log_id !== null)).toBe(true);

      // Reversed is final: an approval after it is refused and changes nothing.
      const logsBefore = await logCount();
      const late = await post('approved');
      expect(late).toMatchObject({ status: 409, body: { result: 'rejected', code: 'illegal_transition' } });
      expect(await eventsOf(conversion.id)).toHaveLength(3);
      expect((await conversionsOf(clickId))[0].status).toBe('reversed');
      expect((await logCount()) - logsBefore).toBe(1);
    });

    it('pending → reversed is illegal (409)', async () => {
      const clickId = await catalog.click(clock.now());
      const base = { token: catalog.token, click_id: clickId, txid: txn() };
      await send(`${app.url}/postback?${query({ ...base, status: 'pending' })}`);
      const answer = await send(`${app.url}/postback?${query({ ...base, status: 'reversed' })}`);
      expect(answer).toMatchObject({ status: 409, body: { code: 'illegal_transition', status: 'pending' } });
    });

    it('without a txn id the click and goal identify the conversion; a later status moves it', async () => {
      const clickId = await catalog.click(clock.now());
      const first = await send(
        `${app.url}/postback?${query({ token: catalog.token, cid: clickId, status: 'lead' })}`,
      );
      const second = await send(
        `${app.url}/postback?${query({ token: catalog.token, cid: clickId, status: 'ok' })}`,
      );
      expect(second.body).toMatchObject({ code: 'status_changed', conversionId: first.body.conversionId });
      const other = await send(
        `${app.url}/postback?${query({ token: catalog.token, cid: clickId, goal: 'purchase' })}`,
      );
      expect(other.body.conversionId).not.toBe(first.body.conversionId);
      expect(await conversionsOf(clickId)).toHaveLength(2);
    });

    it('an offer that allows duplicates records every postback without a txn id', async () => {
      const dupes = await createInboundCatalog(db(), clock.now(), { allowDuplicates: true });
      const clickId = await dupes.click(clock.now());
      for (let i = 0; i < 3; i++) {
        const answer = await send(`${app.url}/postback?${query({ token: dupes.token, click_id: clickId })}`);
        expect(answer.body.code).toBe('conversion_created');
      }
      expect(await conversionsOf(clickId)).toHaveLength(3);
    });

    it("applies the advertiser's own status map before the defaults", async () => {
      const affise = await createInboundCatalog(db(), clock.now(), {
        statusMap: { '1': 'approved', '2': 'pending', '3': 'declined', sale: 'pending' },
      });
      const clickId = await affise.click(clock.now());
      const base = { token: affise.token, click_id: clickId, order_id: txn() };
      expect((await send(`${app.url}/postback?${query({ ...base, status: 'SALE' })}`)).body.status).toBe(
        'pending',
      );
      expect((await send(`${app.url}/postback?${query({ ...base, status: '3' })}`)).body.status).toBe(
        'declined',
      );
      const [conversion] = await conversionsOf(clickId);
      expect(conversion).toMatchObject({ status: 'declined', status_raw: '3' });
    });
  });

  describe('payout, goal and currency', () => {
    it('falls back to the goal payout, then the offer payout; currency from the postback', async () => {
      const clickId = await catalog.click(clock.now());
      const base = { token: catalog.token, click_id: clickId };
      await send(`${app.url}/postback?${query({ ...base, goal: 'install' })}`);
      await send(`${app.url}/postback?${query({ ...base, event: 'registration', cnv_currency: 'eur' })}`);
      await send(`${app.url}/postback?${query({ ...base, goal: 'default' })}`);
      const rows = await conversionsOf(clickId);
      const byGoal = Object.fromEntries(rows.map((r) => [r.goal, r]));
      expect(byGoal.install).toMatchObject({ payout: 1, revenue: 2, currency: 'USD', needs_review: 0 });
      expect(byGoal.registration).toMatchObject({ payout: 3.5, revenue: 5, currency: 'EUR' });
      expect(byGoal.default).toMatchObject({ payout: 3.5, revenue: 5 });
    });

    it('accepts an amount far from the expected revenue but flags it for review', async () => {
      const clickId = await catalog.click(clock.now());
      const answer = await send(
        `${app.url}/postback?${query({ token: catalog.token, click_id: clickId, payout: '350' })}`,
      );
      expect(answer.body.result).toBe('accepted');
      const [row] = await conversionsOf(clickId);
      expect(row).toMatchObject({ payout: 3.5, revenue: 350, needs_review: 1 });
      expect(row.review_reason).toContain('expected revenue 5');

      const near = await catalog.click(clock.now());
      await send(`${app.url}/postback?${query({ token: catalog.token, click_id: near, payout: '4' })}`);
      expect((await conversionsOf(near))[0]).toMatchObject({
        payout: 3.5,
        revenue: 4,
        needs_review: 0,
        review_reason: null,
      });
    });

    it('rejects unknown goals, expired clicks, unknown and foreign clicks, and missing click ids', async () => {
      const clickId = await catalog.click(clock.now());
      const old = await catalog.click(clock.now() - 31 * 86_400_000);
      const foreign = await createInboundCatalog(db(), clock.now());
      const foreignClick = await foreign.click(clock.now());
      const cases: [Record<string, string>, number, string][] = [
        [{ click_id: clickId, goal: 'deposit' }, 422, 'unknown_goal'],
        [{ click_id: old }, 422, 'click_expired'],
        [{ click_id: 'nope' }, 404, 'unknown_click'],
        [{ click_id: foreignClick }, 404, 'unknown_click'],
        [{ txn_id: 'x' }, 400, 'missing_click_id'],
        [{ click_id: '' }, 400, 'missing_click_id'],
      ];
      for (const [params, status, code] of cases) {
        const answer = await send(`${app.url}/postback?${query({ token: catalog.token, ...params })}`);
        expect({ params, ...answer }).toMatchObject({ status, body: { result: 'rejected', code } });
      }
      expect(await conversionsOf(clickId)).toHaveLength(0);
      expect(await conversionsOf(old)).toHaveLength(0);
      expect(await conversionsOf(foreignClick)).toHaveLength(0);
    });

    it('rejects bad amounts, statuses, currencies and txn ids', async () => {
      const clickId = await catalog.click(clock.now());
      const cases: [Record<string, string>, string][] = [
        [{ payout: 'abc' }, 'invalid_payout'],
        [{ payout: '-1' }, 'invalid_payout'],
        [{ revenue: 'NaN' }, 'invalid_payout'],
        [{ sum: '1e10' }, 'invalid_payout'],
        [{ amount: '1000000001' }, 'invalid_payout'],
        [{ payout: '{payout}' }, 'invalid_payout'],
        [{ sale_amount: 'lots' }, 'invalid_payout'],
        [{ status: 'maybe' }, 'invalid_status'],
        [{ status: '{status}' }, 'invalid_status'],
        [{ currency: 'dollars' }, 'invalid_currency'],
        [{ txn_id: 'x'.repeat(300) }, 'invalid_txn_id'],
      ];
      for (const [params, code] of cases) {
        const answer = await send(
          `${app.url}/postback?${query({ token: catalog.token, click_id: clickId, ...params })}`,
        );
        expect({ params, ...answer }).toMatchObject({ status: 400, body: { result: 'rejected', code } });
      }
      expect(await conversionsOf(clickId)).toHaveLength(0);
    });

    it('stores unicode txn ids and statuses exactly', async () => {
      const clickId = await catalog.click(clock.now());
      const txnId = 'заказ-№1-注文-🧾';
      const answer = await send(
        `${app.url}/postback?${query({ token: catalog.token, click_id: clickId, txn_id: txnId })}`,
      );
      expect(answer.body.result).toBe('accepted');
      expect((await conversionsOf(clickId))[0].txn_id).toBe(txnId);
    });
  });

  it('a rejected request leaves no conversion or event rows, only its log row', async () => {
    const clickId = await catalog.click(clock.now());
    const count = async (table: 'conversions' | 'conversion_events') =>
      Number(
        (
          await db()
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = {
      conversions: await count('conversions'),
      events: await count('conversion_events'),
      logs: await logCount(),
    };
    const answer = await send(
      `${app.url}/postback?${query({ token: catalog.token, click_id: clickId, payout: 'x' })}`,
    );
    expect(answer.status).toBe(400);
    expect(await count('conversions')).toBe(before.conversions);
    expect(await count('conversion_events')).toBe(before.events);
    expect((await logCount()) - before.logs).toBe(1);
    expect(await lastLog()).toMatchObject({
      result: 'rejected',
      code: 'invalid_payout',
      http_status: 400,
      advertiser_id: catalog.advertiserId,
      conversion_id: null,
      ip: '127.0.0.1',
      scheme: 'http',
      insecure: 0,
    });
  });

  it('two identical postbacks at once yield one conversion and duplicates', async () => {
    const clickId = await catalog.click(clock.now());
    const url = `${app.url}/postback?${query({ token: catalog.token, click_id: clickId, txn_id: txn(), status: 'approved' })}`;
    const answers = await Promise.all(Array.from({ length: 8 }, () => send(url)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.body.code === 'conversion_created')).toHaveLength(1);
    expect(answers.filter((a) => a.body.code === 'duplicate')).toHaveLength(7);
    const rows = await conversionsOf(clickId);
    expect(rows).toHaveLength(1);
    expect(await eventsOf(rows[0].id)).toHaveLength(1);
  });

  it('concurrent status changes move the conversion once', async () => {
    const clickId = await catalog.click(clock.now());
    const base = { token: catalog.token, click_id: clickId, txn_id: txn() };
    await send(`${app.url}/postback?${query({ ...base, status: 'pending' })}`);
    const url = `${app.url}/postback?${query({ ...base, status: 'approved' })}`;
    const answers = await Promise.all(Array.from({ length: 6 }, () => send(url)));
    expect(answers.filter((a) => a.body.code === 'status_changed')).toHaveLength(1);
    expect(answers.filter((a) => a.body.code === 'duplicate')).toHaveLength(5);
    const [row] = await conversionsOf(clickId);
    expect((await eventsOf(row.id)).map((e) => e.to_status)).toEqual(['pending', 'approved']);
  });
});
