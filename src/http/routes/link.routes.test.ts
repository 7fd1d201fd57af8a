import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient, type Call, unique } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { describeEachStore } from '../../../test/support/stores.ts';

describeEachStore('links API', (current) => {
  let t: TestApp;
  let admin: Call;
  let offerId: number;
  let publisherId: number;
  let changes = 0;
  beforeAll(async () => {
    t = await startTestApp(current().store, { publicUrl: 'https://go.example.net' });
    admin = apiClient(t.url, TEST_ADMIN_KEY);
    const adv = (await admin('POST', '/advertisers', { name: 'A' })).body;
    offerId = (await admin('POST', '/offers', { advertiserId: adv.id, name: 'O', url: 'https://o.test/' }))
      .body.id;
    publisherId = (await admin('POST', '/publishers', { name: 'P' })).body.id;
    t.ctx.events.on('catalog.changed', () => changes++);
  });
  afterAll(() => t.close());

  it('creates a link with a chosen slug and default subs, returning the full tracking URL', async () => {
    const slug = unique('spring_sale');
    const before = changes;
    const reply = await admin('POST', '/links', {
      offerId,
      publisherId,
      slug,
      subs: { sub1: 'instagram', sub10: 'z' },
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ slug, offerId, publisherId, subs: { sub1: 'instagram', sub10: 'z' } });
    expect(reply.body.url).toBe(`https://go.example.net/c/${slug}`);
    expect(changes).toBe(before + 1);
    const again = await admin('POST', '/links', { offerId, publisherId, slug });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    expect(again.body.error.message).toContain('slug');
  });

  it('generates a short random slug when none is given', async () => {
    const a = (await admin('POST', '/links', { offerId, publisherId })).body;
    const b = (await admin('POST', '/links', { offerId, publisherId })).body;
    expect(a.slug).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(a.slug).not.toBe(b.slug);
    expect(a.subs).toEqual({});
  });

  it.each([
    [{ slug: 'ab' }, 'slug'],
    [{ slug: 'has space' }, 'slug'],
    [{ slug: 'x'.repeat(65) }, 'slug'],
    [{ slug: 'a/b/c' }, 'slug'],
    [{ subs: { sub11: 'x' } }, 'subs'],
    [{ subs: { sub1: { nested: true } } }, 'subs.sub1'],
    [{ offerId: 999_999 }, 'offerId'],
    [{ publisherId: 999_999 }, 'publisherId'],
  ])('rejects %j with 400 naming %s', async (patch, field) => {
    const reply = await admin('POST', '/links', { offerId, publisherId, ...patch });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toContain(field);
  });

  it('updates subs, filters the list, deletes', async () => {
    const link = (await admin('POST', '/links', { offerId, publisherId })).body;
    const patched = await admin('PATCH', `/links/${link.id}`, { subs: { sub2: 'tiktok' } });
    expect(patched.status).toBe(200);
    expect(patched.body.subs).toEqual({ sub2: 'tiktok' });
    const list = await admin('GET', `/links?publisherId=${publisherId}&offerId=${offerId}&limit=500`);
    expect(list.body.data.map((l: { id: number }) => l.id)).toContain(link.id);
    const none = await admin('GET', `/links?publisherId=${publisherId + 1000}`);
    expect(none.body.data).toEqual([]);
    const before = changes;
    expect((await admin('DELETE', `/links/${link.id}`)).status).toBe(204);
    expect(changes).toBe(before + 1);
    expect((await admin('GET', `/links/${link.id}`)).status).toBe(404);
  });
});
