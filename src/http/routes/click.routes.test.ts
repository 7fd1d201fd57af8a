import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { createCatalog } from '../../../test/support/fixtures.ts';
import { clickRow } from '../../../test/support/rows.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import { CLICK_COLUMNS } from '../../db/common/click-columns.ts';
import { ManualClock } from '../../shared/clock.ts';
import { ID_PATTERN } from '../../shared/ids.ts';
import { loadCountryDatabase } from '../../tracking/capture/geo-country.ts';
import { findClickById } from '../../tracking/clicks/click.repository.ts';

const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.0 Mobile/15E148 Safari/604.1';
const GOOGLEBOT_UA = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

function clickIdFrom(location: string | null): string {
  const id = new URL(location ?? '').searchParams.get('click_id');
  if (!id) throw new Error(`no click_id in ${location}`);
  return id;
}

describeEachStore('GET /c/:slug', (current) => {
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 12, 0, 0));
  let t: TestApp;
  const db = () => current().store.db;
  const visit = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    fetch(`${t.url}${path}`, { method, redirect: 'manual', headers });
  const clicksOfLink = (linkId: number) =>
    db().selectFrom('clicks').select(CLICK_COLUMNS).where('link_id', '=', linkId).orderBy('id').execute();

  beforeAll(async () => {
    t = await startTestApp(current().store, {}, clock);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('percent-encodes what a raw macro or the offer URL itself would put unsafe into the Location header', async () => {
    const { link } = await createCatalog(db(), {
      offer: { url: 'https://adv.example/länd page?s={sub1:raw}&t={sub2}' },
    });
    const res = await visit(
      `/c/${link.slug}?sub1=${encodeURIComponent('a b\tü')}&sub2=${encodeURIComponent('c d')}`,
    );
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://adv.example/l%C3%A4nd%20page?s=a%20b%09%C3%BC&t=c%20d');
  });

  it('records every captured field before answering 302 to the offer URL with macros URL-encoded', async () => {
    const { link, offer, publisher, advertiser } = await createCatalog(db(), {
      offer: {
        url: 'https://adv.example/land?click_id={click_id}&s1={sub1}&pub={publisher_id}&ext={external_id}&g={gclid}',
      },
    });
    const res = await visit(`/c/${link.slug}?sub1=${encodeURIComponent('a b&c/é')}&cid=pub-77&gclid=G.1`, {
      'user-agent': IPHONE_UA,
      referer: 'https://news.example/article',
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const location = res.headers.get('location');
    const id = clickIdFrom(location);
    expect(id).toMatch(ID_PATTERN);
    expect(location).toBe(
      `https://adv.example/land?click_id=${id}&s1=a%20b%26c%2F%C3%A9&pub=${publisher.id}&ext=pub-77&g=G.1`,
    );
    // Queried right after the response: the row was committed before the redirect went out.
    const click = await findClickById(db(), id);
    expect(click).toEqual(
      clickRow({
        id,
        link_id: link.id,
        offer_id: offer.id,
        publisher_id: publisher.id,
        advertiser_id: advertiser.id,
        sub1: 'a b&c/é',
        external_id: 'pub-77',
        gclid: 'G.1',
        ip: '127.0.0.1',
        user_agent: IPHONE_UA,
        device: 'mobile',
        os: 'iOS',
        browser: 'Mobile Safari',
        referrer: 'https://news.example/article',
        created_at: clock.now(),
      }),
    );
  });

  it('reads sub ids under every spelling, the plain one first, and fills the link defaults', async () => {
    const { link } = await createCatalog(db(), {
      link: { subs: { sub1: 'instagram', sub2: 'story', sub4: 'summer' } },
    });
    const res = await visit(
      `/c/${link.slug}?sub2=post&subid_3=c3&sub_id_5=c5&subid_6=six&sub6=6&sub_id_10=ten`,
    );
    expect(res.status).toBe(302);
    const click = await findClickById(db(), clickIdFrom(res.headers.get('location')));
    expect(click).toMatchObject({
      sub1: 'instagram',
      sub2: 'post',
      sub3: 'c3',
      sub4: 'summer',
      sub5: 'c5',
      sub6: '6',
      sub7: null,
      sub10: 'ten',
    });
  });

  it('takes the publisher click id from cid, clickid, click_id, external_id in that order', async () => {
    const { link } = await createCatalog(db());
    const cases: Array<[string, string]> = [
      ['external_id=d&click_id=c&clickid=b&cid=a', 'a'],
      ['external_id=d&click_id=c&clickid=b', 'b'],
      ['external_id=d&click_id=c', 'c'],
      ['external_id=d', 'd'],
      ['cid=&clickid=b', 'b'],
    ];
    for (const [query, expected] of cases) {
      const res = await visit(`/c/${link.slug}?${query}`);
      // The offer URL has {click_id}: it must be OUR id, not the publisher's click_id parameter.
      const id = clickIdFrom(res.headers.get('location'));
      expect(id).toMatch(ID_PATTERN);
      expect((await findClickById(db(), id))?.external_id).toBe(expected);
    }
  });

  it('captures ad-platform click ids', async () => {
    const { link } = await createCatalog(db());
    const res = await visit(`/c/${link.slug}?fbclid=F1&ttclid=T1&gclid=G1&gbraid=GB1&wbraid=WB1&msclkid=M1`);
    const click = await findClickById(db(), clickIdFrom(res.headers.get('location')));
    expect(click).toMatchObject({
      fbclid: 'F1',
      ttclid: 'T1',
      gclid: 'G1',
      gbraid: 'GB1',
      wbraid: 'WB1',
      msclkid: 'M1',
    });
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const { link } = await createCatalog(db());
    const res = await visit(`/c/${link.slug}`, { 'x-forwarded-for': '8.8.8.8' });
    expect((await findClickById(db(), clickIdFrom(res.headers.get('location'))))?.ip).toBe('127.0.0.1');
  });

  it('flags bots but still records and redirects them', async () => {
    const { link } = await createCatalog(db());
    const res = await visit(`/c/${link.slug}`, { 'user-agent': GOOGLEBOT_UA });
    expect(res.status).toBe(302);
    const click = await findClickById(db(), clickIdFrom(res.headers.get('location')));
    expect(click?.is_bot).toBe(1);
    expect(click?.user_agent).toBe(GOOGLEBOT_UA);
  });

  it("flags a visitor's repeat click on a link within the offer's window as not unique, and rolls both up", async () => {
    const { link } = await createCatalog(db(), { offer: { unique_window_hours: 1 } });
    const ua = { 'user-agent': IPHONE_UA };
    const first = await visit(`/c/${link.slug}`, ua);
    const repeat = await visit(`/c/${link.slug}`, ua);
    const other = await visit(`/c/${link.slug}`, { 'user-agent': GOOGLEBOT_UA });
    clock.advance(3_600_000);
    const later = await visit(`/c/${link.slug}`, ua);
    const flags = [];
    for (const res of [first, repeat, other, later]) {
      flags.push((await findClickById(db(), clickIdFrom(res.headers.get('location'))))?.is_unique);
    }
    expect(flags).toEqual([1, 0, 1, 1]);
    await current().store.clicks.catchUpRollup();
    const rollup = await db()
      .selectFrom('report_clicks')
      .select((eb) => [
        eb.fn.sum<number>('clicks').as('clicks'),
        eb.fn.sum<number>('unique_clicks').as('unique'),
      ])
      .where('link_id', '=', link.id)
      .executeTakeFirstOrThrow();
    expect([Number(rollup.clicks), Number(rollup.unique)]).toEqual([4, 3]);
  });

  it('answers an unknown slug with a small HTML 404 and records nothing', async () => {
    const before = await db()
      .selectFrom('clicks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    for (let i = 0; i < 2; i++) {
      const res = await visit('/c/no-such-link?sub1=x');
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toContain('Link not found');
    }
    const after = await db()
      .selectFrom('clicks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('answers HEAD without recording a click or revealing the destination', async () => {
    const { link } = await createCatalog(db());
    const known = await visit(`/c/${link.slug}?sub1=x`, {}, 'HEAD');
    expect(known.status).toBe(200);
    expect(known.headers.get('location')).toBeNull();
    expect((await visit('/c/nope', {}, 'HEAD')).status).toBe(404);
    expect(await clicksOfLink(link.id)).toHaveLength(0);
  });

  it('stores a concurrent burst of 200 clicks, each with its own id, before each redirect', async () => {
    const { link } = await createCatalog(db());
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) => visit(`/c/${link.slug}?sub1=n${i}`)),
    );
    const ids = responses.map((r) => {
      expect(r.status).toBe(302);
      return clickIdFrom(r.headers.get('location'));
    });
    expect(new Set(ids).size).toBe(200);
    const rows = await clicksOfLink(link.id);
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(new Set(rows.map((r) => r.sub1)).size).toBe(200);
  });

  it('keeps the cached destination until catalog.changed, then follows the new offer URL', async () => {
    const { link, offer } = await createCatalog(db(), {
      offer: { url: 'https://old.example/?c={click_id}' },
    });
    expect((await visit(`/c/${link.slug}`)).headers.get('location')).toMatch(/^https:\/\/old\.example\//);
    await db()
      .updateTable('offers')
      .set({ url: 'https://new.example/?c={click_id}' })
      .where('id', '=', offer.id)
      .execute();
    expect((await visit(`/c/${link.slug}`)).headers.get('location')).toMatch(/^https:\/\/old\.example\//);
    t.ctx.events.emit('catalog.changed');
    const res = await visit(`/c/${link.slug}`);
    expect(res.headers.get('location')).toMatch(/^https:\/\/new\.example\/\?c=/);
    expect(await clicksOfLink(link.id)).toHaveLength(3);
  });

  it('cuts over-long values and keeps unicode instead of failing', async () => {
    const { link } = await createCatalog(db(), {
      offer: { url: 'https://adv.example/?click_id={click_id}&s={sub2}' },
    });
    const longUa = `Mozilla/5.0 ${'x'.repeat(3000)}`;
    const query = `sub1=${'y'.repeat(5000)}&sub2=${encodeURIComponent('日本語🎉')}&sub3=a%00b&sub4=%ED%A0%80&sub5=%E0%A4%A&cid=${'z'.repeat(900)}`;
    const res = await visit(`/c/${link.slug}?${query}`, { 'user-agent': longUa });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toContain(`&s=${encodeURIComponent('日本語🎉')}`);
    const click = await findClickById(db(), clickIdFrom(res.headers.get('location')));
    expect(click?.sub1).toBe('y'.repeat(512));
    expect(click?.sub2).toBe('日本語🎉');
    expect(click?.sub3).toBe('ab');
    expect(click?.external_id).toHaveLength(512);
    expect(click?.user_agent).toHaveLength(1024);
  });

  // PostgreSQL commits a click before its redirect: a click it cannot store is never redirected.
  // SQLite journals it first (db/sqlite/click-writer.ts): it is redirected, and imported once the
  // database takes it again.
  it('never redirects a click it cannot make durable, and never loses one it redirected', async () => {
    const { link } = await createCatalog(db());
    expect((await visit(`/c/${link.slug}`)).status).toBe(302); // target now cached
    await sql`alter table clicks rename to clicks_away`.execute(db());
    let res: Response;
    try {
      res = await visit(`/c/${link.slug}`);
      await new Promise((r) => setTimeout(r, 50)); // a journaled click's import fails meanwhile
    } finally {
      await sql`alter table clicks_away rename to clicks`.execute(db());
    }
    if (current().dialect === 'postgres') {
      expect(res.status).toBe(503);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await clicksOfLink(link.id)).toHaveLength(1);
      return;
    }
    expect(res.status).toBe(302);
    const id = clickIdFrom(res.headers.get('location'));
    await vi.waitFor(async () => expect(await findClickById(db(), id)).toBeDefined(), { timeout: 5_000 });
    expect(await clicksOfLink(link.id)).toHaveLength(2);
  });
});

describeEachStore('GET /c/:slug behind a trusted proxy', (current) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(current().store, { trustedProxies: ['127.0.0.0/8', '10.0.0.0/8'] });
    await loadCountryDatabase();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('takes the rightmost untrusted X-Forwarded-For address and its country', async () => {
    const { link } = await createCatalog(current().store.db);
    const res = await fetch(`${t.url}/c/${link.slug}`, {
      redirect: 'manual',
      headers: { 'x-forwarded-for': '81.2.69.160, 8.8.8.8, 10.1.2.3' },
    });
    expect(res.status).toBe(302);
    const click = await findClickById(current().store.db, clickIdFrom(res.headers.get('location')));
    expect(click?.ip).toBe('8.8.8.8');
    expect(click?.country).toBe('US');
  });
});
