// The raw node:http path and the Fastify route must answer a click identically: real HTTP goes
// through the fast path, app.inject() goes through Fastify only.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { createCatalog } from '../../../test/support/fixtures.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import { findClickById } from '../../tracking/clicks/click.repository.ts';

describeEachStore('GET /c/:slug fast path', (current) => {
  let t: TestApp;
  const visit = (path: string) => fetch(`${t.url}${path}`, { redirect: 'manual' });
  const clickOf = async (location: string | null) => {
    const id = new URL(location ?? '').searchParams.get('c') ?? '';
    return findClickById(current().store.db, id);
  };

  beforeAll(async () => {
    t = await startTestApp(current().store);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers a click like the Fastify route: same status, headers and stored fields', async () => {
    const { link } = await createCatalog(current().store.db, {
      offer: { url: 'https://adv.example/?c={click_id}&s={sub1}' },
    });
    const path = `/c/${link.slug}?sub1=first&sub1=second&cid=x%20y`;
    const raw = await visit(path);
    const routed = await t.app.inject({ method: 'GET', url: path });
    expect(raw.status).toBe(302);
    expect(routed.statusCode).toBe(302);
    for (const name of ['cache-control', 'referrer-policy', 'content-length']) {
      expect(raw.headers.get(name)).toBe(String(routed.headers[name]));
    }
    const viaRaw = await clickOf(raw.headers.get('location'));
    const viaRoute = await clickOf(String(routed.headers.location));
    expect(viaRaw).toMatchObject({ link_id: link.id, sub1: 'first', external_id: 'x y' });
    expect(viaRoute).toMatchObject({ link_id: link.id, sub1: 'first', external_id: 'x y' });
  });

  it('accepts one trailing slash and a percent-encoded slug, as the router does', async () => {
    const { link } = await createCatalog(current().store.db);
    expect((await visit(`/c/${link.slug}/`)).status).toBe(302);
    const encoded = [...link.slug].map((ch) => `%${ch.charCodeAt(0).toString(16)}`).join('');
    expect((await visit(`/c/${encoded}`)).status).toBe(302);
  });

  it('leaves what it does not recognise to Fastify, which answers as it would without the fast path', async () => {
    for (const path of [`/c/${'x'.repeat(201)}`, '/c/%E0%A4%A', '/c/a/b', '/c/no-such-slug']) {
      const raw = await visit(path);
      const routed = await t.app.inject({ method: 'GET', url: path });
      expect(raw.status, path).toBe(routed.statusCode);
      expect(raw.status, path).toBeGreaterThanOrEqual(400);
    }
    expect(await (await visit('/c/no-such-slug')).text()).toContain('Link not found');
  });
});
