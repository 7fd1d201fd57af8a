import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, unique } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { clickRow } from '../../../test/support/rows.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import { REDIRECT_MACROS, redirectMacroValues } from '../../macros/click-macro-values.ts';
import { MACROS } from '../../macros/macro-catalogue.ts';
import { findUnknownMacros } from '../../macros/validate-template.ts';

describe('macros of an offer destination URL', () => {
  it('gives every macro an offer URL may use a value at redirect', () => {
    const full = clickRow({
      link_id: 1,
      offer_id: 2,
      publisher_id: 3,
      advertiser_id: 4,
      external_id: 'e',
      ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`sub${i + 1}`, `s${i + 1}`])),
      ip: '203.0.113.7',
      user_agent: 'UA',
      country: 'US',
      os: 'iOS',
      device: 'mobile',
      browser: 'Safari',
      referrer: 'https://ref.test/',
      fbclid: 'f',
      ttclid: 't',
      gclid: 'g',
      gbraid: 'gb',
      wbraid: 'wb',
      msclkid: 'm',
      fbp: 'fb.1.1700000000000.1234567890',
      smartlink_id: 5,
      smartlink_rule: 2,
    });
    const values = redirectMacroValues(full);
    const empty = [...REDIRECT_MACROS].filter((name) => values[name] == null || values[name] === '');
    expect(empty).toEqual([]);
    expect(values.timestamp).toBe(String(Math.floor(full.created_at / 1000)));
    expect(values.random).not.toBe(redirectMacroValues(full).random);
    for (const name of REDIRECT_MACROS)
      expect(
        MACROS.some((m) => m.name === name),
        name,
      ).toBe(true);
  });

  it('reports names that are not ours and ours that have no value at click time', () => {
    const found = findUnknownMacros(
      'https://a.test/?c={clickid_}&s={sub11}&p={payout}&t={token}',
      REDIRECT_MACROS,
    );
    expect(found).toEqual([
      { macro: '{clickid_}', name: 'clickid_', suggestion: 'clickid' },
      { macro: '{sub11}', name: 'sub11', suggestion: 'sub1' },
      { macro: '{payout}', name: 'payout', unavailable: true },
      { macro: '{token}', name: 'token', unavailable: true },
    ]);
  });
});

describeEachStore('offer destination URLs', (current) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(current().store);
  });
  afterAll(() => t.close());

  it('refuses unknown macros with a suggestion, and macros with no value at click time', async () => {
    const admin = apiClient(t.url, TEST_ADMIN_KEY);
    const adv = await admin('POST', '/advertisers', { name: unique('adv') });
    const create = (url: string) => admin('POST', '/offers', { advertiserId: adv.body.id, name: 'O', url });

    const typo = await create('https://shop.test/?c={clickid_}&s={sub11}');
    expect(typo.status).toBe(422);
    expect(typo.body.error.code).toBe('unknown_macro');
    expect(typo.body.error.message).toBe(
      'url: unknown macro {clickid_}; did you mean {clickid}? (and 1 more)',
    );
    expect(typo.body.error.details.unknown.map((u: { macro: string }) => u.macro)).toEqual([
      '{clickid_}',
      '{sub11}',
    ]);

    const conversionOnly = await create('https://shop.test/?p={payout}');
    expect(conversionOnly.status).toBe(422);
    expect(conversionOnly.body.error.message).toBe('url: macro {payout} has no value here');

    const host = await create('https://{sub1}.shop.test/');
    expect(host.status).toBe(422);
    expect(host.body.error.code).toBe('macro_in_host');

    const good = await create('https://shop.test/?c={click_id}');
    expect(good.status).toBe(201);
    const patched = await admin('PATCH', `/offers/${good.body.id}`, { url: 'https://shop.test/?c={sub11}' });
    expect(patched.status).toBe(422);
    expect((await admin('GET', `/offers/${good.body.id}`)).body.url).toBe('https://shop.test/?c={click_id}');
  });

  it('fills {timestamp}, {datetime} and {random} at redirect', async () => {
    const admin = apiClient(t.url, TEST_ADMIN_KEY);
    const adv = await admin('POST', '/advertisers', { name: unique('adv') });
    const offer = await admin('POST', '/offers', {
      advertiserId: adv.body.id,
      name: 'Timed',
      url: 'https://shop.test/?t={timestamp}&d={datetime}&r={random}&c={click_id}',
    });
    expect(offer.status).toBe(201);
    const pub = await admin('POST', '/publishers', { name: unique('pub') });
    const link = await admin('POST', '/links', { offerId: offer.body.id, publisherId: pub.body.id });
    expect(link.status).toBe(201);
    const before = Math.floor(Date.now() / 1000);
    const res = await fetch(`${t.url}/c/${link.body.slug}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(Number(location.searchParams.get('t'))).toBeGreaterThanOrEqual(before);
    expect(location.searchParams.get('d')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(location.searchParams.get('r')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
