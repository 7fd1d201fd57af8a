// Thousands of random inbound requests: names drawn from the alias table and from garbage,
// values valid and not, random methods, bodies and content types. Whatever arrives, the answer is
// never a 5xx, its code is in the closed set, and conversions exist only for accepted requests.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { createInboundCatalog, type InboundCatalog } from '../../../test/support/inbound-fixtures.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import { ManualClock } from '../../shared/clock.ts';
import { INBOUND_CODES, type InboundCode } from './inbound-codes.ts';
import { INBOUND_ALIASES, SUB_PARAMS } from './names/inbound-params.ts';

const RUNS = 1500;

const statusWordOf = () =>
  fc.constantFrom('approved', 'pending', 'hold', 'reversed', 'chargeback', 'declined', 'rejected', '2', '1');

describeEachStore('inbound postback fuzz', (current) => {
  const clock = new ManualClock(Date.UTC(2026, 2, 1));
  let app: TestApp;
  let catalogs: InboundCatalog[];
  let clickIds: string[];
  const db = () => current().store.db;
  const count = async (table: 'conversions' | 'conversion_events' | 'postback_log') =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    app = await startTestApp(
      current().store,
      { inboundRateLimitPerMinute: 0, trustedProxies: ['127.0.0.1'] },
      clock,
    );
    catalogs = [
      await createInboundCatalog(db(), clock.now(), {
        goals: [{ key: 'install', payout: 1 }, { key: 'purchase' }],
      }),
      await createInboundCatalog(db(), clock.now(), { allowDuplicates: true, statusMap: { '2': 'pending' } }),
      await createInboundCatalog(db(), clock.now(), { ipAllowlist: ['203.0.113.0/24'] }),
      // Named by network=, reading Everflow's names (transaction_id is its click).
      await createInboundCatalog(db(), clock.now(), {
        network: 'fuzz-net',
        preset: 'everflow',
        parameterMap: { status: 'ef_status' },
      }),
    ];
    clickIds = [];
    for (const catalog of catalogs) {
      clickIds.push(await catalog.click(clock.now()), await catalog.click(clock.now() - 40 * 86_400_000));
    }
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers every request from the closed set and only accepted ones create conversions', async () => {
    const aliasNames = [
      ...Object.values(INBOUND_ALIASES).flat(),
      'sale_amount',
      ...SUB_PARAMS,
      'offer_id',
      'user_id',
      'network',
      'transaction_id',
      'order_id',
      'adv_event_id',
      'ef_status',
      'signature',
    ];
    const networkName = fc.oneof(
      fc.constantFrom('fuzz-net', 'FUZZ-NET', ' fuzz-net ', 'fuzz_net', 'nobody', '-', 'a'.repeat(80)),
      fc.string({ maxLength: 20 }),
    );
    const networked = fc
      .record({
        network: networkName,
        fresh: fc.boolean(),
        withToken: fc.oneof(
          { weight: 4, arbitrary: fc.constant(true) },
          { weight: 1, arbitrary: fc.constant(false) },
        ),
        status: fc.option(statusWordOf(), { nil: undefined }),
        txn: fc.option(
          fc.integer({ min: 0, max: 40 }).map((i) => `E${i}`),
          { nil: undefined },
        ),
      })
      .map(({ network, fresh, withToken, status, txn }) => [
        ['network', network] as [string, string],
        ['transaction_id', clickIds[6 + (fresh ? 0 : 1)]] as [string, string],
        ...(withToken ? [['token', catalogs[3].token] as [string, string]] : []),
        ...(status ? [['ef_status', status] as [string, string]] : []),
        ...(txn ? [['order_id', txn] as [string, string]] : []),
      ]);
    const garbage = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.fullUnicodeString({ maxLength: 30 }),
      fc.constantFrom('', '{click_id}', '%', '%%', '\u0000', '../../etc/passwd', "' or 1=1 --", '[]', '{}'),
      fc.string({ minLength: 300, maxLength: 3000 }),
    );
    const statusWord = statusWordOf();
    const value: fc.Arbitrary<string> = fc.oneof(
      fc.constantFrom(...catalogs.map((c) => c.token)),
      fc.constantFrom(...clickIds),
      statusWord,
      fc.constant('maybe'),
      fc.constantFrom('install', 'purchase', 'default', 'unknown-goal'),
      fc.constantFrom('USD', 'eur', 'XX'),
      fc.constantFrom('TX1', 'TX2', 'TX3'),
      fc.double({ noNaN: false }).map(String),
      fc.nat(2_000_000_000).map(String),
      garbage,
    );
    const param = fc.tuple(fc.oneof(fc.constantFrom(...aliasNames), garbage), value);
    // Mostly well-formed postbacks for one of the catalogs, so the accepting, duplicate and
    // transition paths are exercised as often as the rejecting ones.
    const plausible = fc
      .record({
        catalog: fc.nat(catalogs.length - 1),
        fresh: fc.oneof(
          { weight: 4, arbitrary: fc.constant(true) },
          { weight: 1, arbitrary: fc.constant(false) },
        ),
        clickName: fc.constantFrom(...INBOUND_ALIASES.clickId),
        tokenName: fc.constantFrom(...INBOUND_ALIASES.token),
        status: fc.option(
          fc.tuple(
            fc.constantFrom(...INBOUND_ALIASES.status),
            fc.oneof({ weight: 6, arbitrary: statusWord }, { weight: 1, arbitrary: value }),
          ),
          { nil: undefined },
        ),
        txn: fc.option(
          fc.tuple(
            fc.constantFrom(...INBOUND_ALIASES.txnId),
            fc.integer({ min: 0, max: 40 }).map((i) => `T${i}`),
          ),
          { nil: undefined },
        ),
        extra: fc.array(fc.tuple(fc.constantFrom(...aliasNames), value), { maxLength: 3 }),
      })
      .map(({ catalog, fresh, clickName, tokenName, status, txn, extra }) => [
        [clickName, clickIds[catalog * 2 + (fresh ? 0 : 1)]] as [string, string],
        [tokenName, catalogs[catalog].token] as [string, string],
        ...(status ? [status] : []),
        ...(txn ? [txn] : []),
        ...extra,
      ]);
    const params = fc.oneof(
      { weight: 1, arbitrary: fc.array(param, { maxLength: 8 }) },
      { weight: 3, arbitrary: plausible },
      { weight: 2, arbitrary: networked },
    );
    const request = fc.record({
      method: fc.oneof(
        { weight: 10, arbitrary: fc.constantFrom('GET', 'POST') },
        { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH') },
      ),
      pathToken: fc.oneof(
        { weight: 6, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom(...catalogs.map((c) => c.token)) },
        // Not '.' or '..', escaped or not: a URL client resolves such a segment ('/postback/..' is '/').
        {
          weight: 1,
          arbitrary: fc.string({ minLength: 1, maxLength: 40 }).filter((t) => t !== '.' && t !== '..'),
        },
      ),
      query: params,
      body: params,
      encoding: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('form', 'json') },
        { weight: 1, arbitrary: fc.constantFrom('raw-json', 'garbage') },
      ),
      contentTypeMatches: fc.oneof(
        { weight: 3, arbitrary: fc.constant(true) },
        { weight: 1, arbitrary: fc.constant(false) },
      ),
      contentType: fc.constantFrom(
        'application/x-www-form-urlencoded',
        'application/json',
        'text/plain',
        'application/octet-stream',
        'multipart/form-data; boundary=zz',
        'application/json; charset=latin1',
        'weird/type',
        '',
      ),
      raw: garbage,
      forwardedFor: fc.option(fc.constantFrom('203.0.113.7', 'not-an-ip'), { nil: undefined }),
    });

    const tally: Partial<Record<InboundCode, number>> = {};
    const logsBefore = await count('postback_log');
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const path = r.pathToken === undefined ? '/postback' : `/postback/${encodeURIComponent(r.pathToken)}`;
        const qs = new URLSearchParams(r.query).toString();
        const headers: Record<string, string> = {};
        const matching = r.encoding === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
        const contentType = r.contentTypeMatches ? matching : r.contentType;
        if (contentType) headers['content-type'] = contentType;
        if (r.forwardedFor) headers['x-forwarded-for'] = r.forwardedFor;
        let body: string | undefined;
        if (r.method !== 'GET') {
          if (r.encoding === 'form') body = new URLSearchParams(r.body).toString();
          else if (r.encoding === 'json') body = JSON.stringify(Object.fromEntries(r.body));
          else if (r.encoding === 'raw-json') body = `{${r.raw}`;
          else body = r.raw;
        }
        const response = await fetch(`${app.url}${path}${qs ? `?${qs}` : ''}`, {
          method: r.method,
          headers,
          body,
        });
        requests++;
        const answer = (await response.json()) as { result: string; code: InboundCode };
        expect(response.status).toBeLessThan(500);
        expect(Object.keys(INBOUND_CODES)).toContain(answer.code);
        expect(INBOUND_CODES[answer.code]).toEqual({ result: answer.result, http: response.status });
        tally[answer.code] = (tally[answer.code] ?? 0) + 1;
      }),
      { numRuns: RUNS },
    );

    expect(requests).toBe(RUNS);
    expect(await count('postback_log')).toBe(logsBefore + RUNS);
    expect(await count('conversions')).toBe(tally.conversion_created ?? 0);
    expect(await count('conversion_events')).toBe(
      (tally.conversion_created ?? 0) + (tally.status_changed ?? 0),
    );
    // The generators must actually reach the accepting paths, or the last two checks prove nothing.
    expect(tally.conversion_created ?? 0).toBeGreaterThan(0);
    expect(tally.status_changed ?? 0).toBeGreaterThan(0);
    expect(tally.duplicate ?? 0).toBeGreaterThan(0);
    expect(tally.bad_token ?? 0).toBeGreaterThan(0);
    expect(tally.unknown_network ?? 0).toBeGreaterThan(0);
  }, 300_000);
});
