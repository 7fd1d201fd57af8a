// Whatever a visitor appends to a tracking link, the answer is a redirect (link exists) or a 404
// (it does not), never a server error, and a click row exists exactly for each redirect.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { createCatalog } from '../../../test/support/fixtures.ts';
import { describeEachStore } from '../../../test/support/stores.ts';

const KNOWN_KEYS = [
  'sub1',
  'subid_2',
  'sub_id_3',
  'cid',
  'clickid',
  'click_id',
  'external_id',
  'gclid',
  'fbclid',
];

// Raw query text: printable ASCII except '#' (a fragment never reaches the server) and space.
const rawQuery = fc.stringOf(
  fc.char().filter((c) => c !== '#' && c !== ' '),
  { maxLength: 200 },
);
const encodedPairs = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom(...KNOWN_KEYS), fc.string({ maxLength: 20 })),
      fc.oneof(fc.string({ maxLength: 50 }), fc.fullUnicodeString({ maxLength: 700 })),
    ),
    { maxLength: 12 },
  )
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));

describeEachStore('GET /c/:slug with random query strings', (current) => {
  let t: TestApp;
  let slug: string;
  let linkId: number;
  beforeAll(async () => {
    t = await startTestApp(current().store);
    const { link } = await createCatalog(current().store.db, {
      offer: { url: 'https://adv.example/?c={click_id}&s1={sub1}&s2={sub2}&x={external_id}' },
    });
    slug = link.slug;
    linkId = link.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('always answers 302 or 404, never 5xx', async () => {
    let redirects = 0;
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.oneof(rawQuery, encodedPairs), async (known, query) => {
        const path = known ? `/c/${slug}` : '/c/not-a-link';
        const res = await fetch(`${t.url}${path}?${query}`, { redirect: 'manual' });
        await res.arrayBuffer();
        expect(res.status).toBe(known ? 302 : 404);
        if (known) {
          redirects++;
          expect(res.headers.get('location')).toMatch(/^https:\/\/adv\.example\/\?c=[A-Za-z0-9_-]{24}&/);
        }
      }),
      { numRuns: 60 },
    );
    const rows = await current()
      .store.db.selectFrom('clicks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('link_id', '=', linkId)
      .executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBe(redirects);
  });
});
