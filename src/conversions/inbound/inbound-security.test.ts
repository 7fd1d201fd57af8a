// Who may post, from where, how often, and what garbage does to the endpoint.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import {
  createInboundCatalog,
  type InboundCatalog,
  query,
  send,
} from '../../../test/support/inbound-fixtures.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import { ManualClock } from '../../shared/clock.ts';

describeEachStore('inbound postback security and garbage', (current) => {
  const clock = new ManualClock(Date.UTC(2026, 2, 1));
  let app: TestApp;
  let behindProxy: TestApp;
  let open: InboundCatalog;
  let fenced: InboundCatalog;
  const db = () => current().store.db;
  const lastLog = () =>
    db().selectFrom('postback_log').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
  const conversionsOf = (clickId: string) =>
    db().selectFrom('conversions').selectAll().where('click_id', '=', clickId).execute();

  beforeAll(async () => {
    app = await startTestApp(current().store, { inboundRateLimitPerMinute: 0 }, clock);
    behindProxy = await startTestApp(
      current().store,
      { trustedProxies: ['127.0.0.1'], httpsOnly: true, inboundRateLimitPerMinute: 0 },
      clock,
    );
    open = await createInboundCatalog(db(), clock.now());
    fenced = await createInboundCatalog(db(), clock.now(), {
      ipAllowlist: ['203.0.113.0/24', '2001:db8::/32'],
    });
  });
  afterAll(async () => {
    await app.close();
    await behindProxy.close();
  });

  it('refuses a missing token with 403 missing_token', async () => {
    const clickId = await open.click(clock.now());
    const answers = [
      await send(`${app.url}/postback?${query({ click_id: clickId })}`),
      await send(`${app.url}/postback?${query({ click_id: clickId, token: '' })}`),
      await send(`${app.url}/postback?${query({ click_id: clickId, key: '  ' })}`),
      await send(`${app.url}/postback`, { form: { click_id: clickId } }),
    ];
    for (const answer of answers)
      expect(answer).toEqual({ status: 403, body: { result: 'rejected', code: 'missing_token' } });
    expect(await conversionsOf(clickId)).toHaveLength(0);
    expect(await lastLog()).toMatchObject({ code: 'missing_token', advertiser_id: null, http_status: 403 });
  });

  it('refuses a wrong token with 403 bad_token, on both URL shapes', async () => {
    const clickId = await open.click(clock.now());
    const answers = [
      await send(`${app.url}/postback?${query({ click_id: clickId, token: `${open.token}x` })}`),
      await send(`${app.url}/postback?${query({ click_id: clickId, key: open.token.slice(0, -1) })}`),
      await send(`${app.url}/postback/not-a-token?${query({ click_id: clickId })}`),
      await send(`${app.url}/postback/${'x'.repeat(500)}?${query({ click_id: clickId })}`),
      await send(`${app.url}/postback/${open.token}/extra?${query({ click_id: clickId })}`),
      // The path token decides on the advertiser URL; a right token in the query does not rescue it.
      await send(`${app.url}/postback/wrong?${query({ click_id: clickId, token: open.token })}`),
    ];
    for (const answer of answers)
      expect(answer).toEqual({ status: 403, body: { result: 'rejected', code: 'bad_token' } });
    expect(await conversionsOf(clickId)).toHaveLength(0);
    const log = await lastLog();
    expect(log).toMatchObject({ code: 'bad_token', advertiser_id: null, http_status: 403 });
    expect(log.url).toBe(`/postback/REDACTED?click_id=${clickId}&token=REDACTED`);
  });

  it('accepts every token alias', async () => {
    for (const name of ['token', 'security_token', 'secret', 'key', 'verification_token']) {
      const clickId = await open.click(clock.now());
      const answer = await send(`${app.url}/postback?${query({ click_id: clickId, [name]: open.token })}`);
      expect({ name, ...answer.body }).toMatchObject({ result: 'accepted' });
    }
  });

  it('enforces the IP allow-list on the socket address, and on X-Forwarded-For only from a trusted proxy', async () => {
    const clickId = await fenced.click(clock.now());
    const url = (base: string) => `${base}/postback?${query({ click_id: clickId, token: fenced.token })}`;
    const spoofed = await send(url(app.url), { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(spoofed).toEqual({ status: 403, body: { result: 'rejected', code: 'ip_not_allowed' } });
    expect(await lastLog()).toMatchObject({ ip: '127.0.0.1', advertiser_id: fenced.advertiserId });

    const outside = await send(url(behindProxy.url), { headers: { 'x-forwarded-for': '198.51.100.1' } });
    expect(outside.body.code).toBe('ip_not_allowed');
    // A client cannot prepend its own hop: the right-most untrusted address counts.
    const prepended = await send(url(behindProxy.url), {
      headers: { 'x-forwarded-for': '203.0.113.9, 198.51.100.1' },
    });
    expect(prepended.body.code).toBe('ip_not_allowed');
    expect(await conversionsOf(clickId)).toHaveLength(0);

    const inside = await send(url(behindProxy.url), {
      headers: { 'x-forwarded-for': '2001:db8::5', 'x-forwarded-proto': 'https' },
    });
    expect(inside.body).toMatchObject({ result: 'accepted' });
    expect(await lastLog()).toMatchObject({ ip: '2001:db8::5', scheme: 'https', insecure: 0 });
  });

  it('accepts plain HTTP when HTTPS-only is configured but flags the log row', async () => {
    const clickId = await open.click(clock.now());
    const answer = await send(
      `${behindProxy.url}/postback?${query({ click_id: clickId, token: open.token })}`,
    );
    expect(answer.body.result).toBe('accepted');
    expect(await lastLog()).toMatchObject({ scheme: 'http', insecure: 1, result: 'accepted' });
  });

  it('rate-limits per source IP and lets the sender back in as the window refills', async () => {
    const limitClock = new ManualClock(clock.now());
    const limited = await startTestApp(current().store, { inboundRateLimitPerMinute: 3 }, limitClock);
    try {
      const clickId = await open.click(clock.now());
      const url = `${limited.url}/postback?${query({ click_id: clickId, token: open.token })}`;
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await send(url)).body.code);
      expect(codes).toEqual(['conversion_created', 'duplicate', 'duplicate', 'rate_limited']);
      expect(await lastLog()).toMatchObject({ code: 'rate_limited', http_status: 429 });
      // 3 a minute: the bucket frees one request 20 s after it ran dry.
      const refused = await fetch(url);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('20');
      limitClock.advance(5_500);
      expect((await fetch(url)).headers.get('retry-after')).toBe('15');
      limitClock.advance(14_500);
      expect((await send(url)).body.code).toBe('duplicate');
      expect((await send(url)).status).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('answers garbage with a 400 code, never a 500, and logs every hit', async () => {
    const clickId = await open.click(clock.now());
    const post = (body: string, contentType?: string) =>
      send(`${app.url}/postback?token=${open.token}`, {
        method: 'POST',
        body,
        headers: contentType ? { 'content-type': contentType } : {},
      });
    const cases: [() => ReturnType<typeof send>, number, string][] = [
      [() => post('{"click_id": ', 'application/json'), 400, 'invalid_body'],
      [() => post('[1,2,3]', 'application/json'), 400, 'invalid_body'],
      [() => post('"just a string"', 'application/json'), 400, 'invalid_body'],
      [() => post('{broken', 'text/plain'), 400, 'invalid_body'],
      [
        () =>
          post(
            '--x\r\ncontent-disposition: form-data; name="a"\r\n\r\nb\r\n--x--',
            'multipart/form-data; boundary=x',
          ),
        400,
        'invalid_body',
      ],
      [
        () => post(`click_id=${clickId}&payout=%ZZ`, 'application/x-www-form-urlencoded'),
        400,
        'invalid_payout',
      ],
      [
        () => post(`click_id=${'😀'.repeat(5000)}`, 'application/x-www-form-urlencoded'),
        404,
        'unknown_click',
      ],
      [
        () => post(`click_id=${clickId}\u0000&status=approved`, 'application/octet-stream'),
        404,
        'unknown_click',
      ],
      [
        () => post(JSON.stringify({ click_id: { nested: true } }), 'application/json; charset=utf-8'),
        400,
        'missing_click_id',
      ],
      [() => post('x'.repeat(2 * 1024 * 1024), 'text/plain'), 413, 'payload_too_large'],
      [
        () => send(`${app.url}/postback?${query({ token: open.token, click_id: 'ü'.repeat(20_00) })}`),
        404,
        'unknown_click',
      ],
      [() => send(`${app.url}/postback?token=${open.token}&click_id=%E0%A4%A&%%%=1`), 404, 'unknown_click'],
      [
        () =>
          send(`${app.url}/postback?${query({ token: open.token, click_id: clickId })}`, { method: 'PUT' }),
        405,
        'method_not_allowed',
      ],
    ];
    for (const [request, status, code] of cases) {
      const before = await lastLog();
      const answer = await request();
      expect({ code, ...answer }).toMatchObject({ status, body: { code } });
      const log = await lastLog();
      expect(log.id).toBeGreaterThan(before.id);
      expect(log.code).toBe(code);
      expect((log.body ?? '').length).toBeLessThanOrEqual(8192);
      expect(log.url).not.toContain(open.token);
      expect(log.body ?? '').not.toContain(open.token);
    }
    expect(await conversionsOf(clickId)).toHaveLength(0);
  });

  it('JSON numbers and form bodies without a content type still work', async () => {
    const clickId = await open.click(clock.now());
    const answer = await send(`${app.url}/postback`, {
      method: 'POST',
      body: `token=${open.token}&click_id=${clickId}&payout=3.5&status=1`,
      headers: { 'content-type': 'text/plain' },
    });
    expect(answer.body).toMatchObject({ result: 'accepted', status: 'approved' });
    const other = await open.click(clock.now());
    const json = await send(`${app.url}/postback`, {
      json: { token: open.token, click_id: other, payout: 3, status: 0 },
    });
    expect(json.body).toMatchObject({ result: 'accepted', status: 'pending' });
  });
});
