import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient, unique } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { browserClient } from '../../../test/support/session.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import { ManualClock } from '../../shared/clock.ts';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, SETUP_LINK_MS } from '../../users/limits.ts';
import { setupLinkBanner } from '../../users/setup-banner.ts';
import { createUser } from '../../users/user.service.ts';

const PASSWORD = 'correct horse battery';

describeEachStore('dashboard sign-in and sessions', (current) => {
  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  let app: TestApp;
  const admin = () => apiClient(app.url, TEST_ADMIN_KEY);
  beforeAll(async () => {
    app = await startTestApp(current().store, {}, clock);
  });
  afterAll(() => app.close());

  async function signedIn(email: string, role: 'admin' | 'publisher' = 'admin', publisherId?: number) {
    await createUser(app.ctx.store.db, { email, password: PASSWORD, role, publisherId }, clock.now());
    const browser = browserClient(app.url);
    const reply = await browser.call('POST', '/session', { email, password: PASSWORD });
    expect(reply.status).toBe(201);
    return browser;
  }

  it('first start prints a one-time setup link that creates the first admin and signs them in', async () => {
    const banner = await setupLinkBanner(app.ctx);
    const url = banner.map((l) => l.trim()).find((l) => l.includes('/setup?token='));
    expect(url).toBeDefined();
    const token = new URL(url as string).searchParams.get('token') as string;
    const browser = browserClient(app.url);
    expect((await browser.call('GET', `/user-links/${token}`)).body).toMatchObject({
      kind: 'setup',
      role: 'admin',
    });
    const accepted = await browser.call('POST', `/user-links/${token}/accept`, {
      email: 'Owner@Example.com',
      password: PASSWORD,
    });
    expect(accepted.status).toBe(201);
    expect(accepted.body.user).toMatchObject({ email: 'owner@example.com', role: 'admin' });
    expect((await browser.call('GET', '/session')).body.user.email).toBe('owner@example.com');
    // Used once; and no new link is printed now that a user exists.
    expect((await browserClient(app.url).call('GET', `/user-links/${token}`)).status).toBe(404);
    expect(await setupLinkBanner(app.ctx)).toEqual([]);
  });

  it('signs in with an HttpOnly SameSite=Lax cookie, and the cookie authenticates the same /api/v1', async () => {
    const browser = await signedIn(`${unique('s').toLowerCase()}@example.com`);
    expect(browser.lastSetCookie).toMatch(/HttpOnly/);
    expect(browser.lastSetCookie).toMatch(/SameSite=Lax/);
    expect(browser.lastSetCookie).not.toMatch(/Secure/);
    expect((await browser.call('GET', '/advertisers')).status).toBe(200);
    const created = await browser.call('POST', '/advertisers', { name: unique('Adv') });
    expect(created.status).toBe(201);
  });

  it('refuses wrong passwords and unknown emails with the same answer', async () => {
    const email = `${unique('w').toLowerCase()}@example.com`;
    await createUser(app.ctx.store.db, { email, password: PASSWORD, role: 'admin' }, clock.now());
    const wrong = await browserClient(app.url).call('POST', '/session', {
      email,
      password: 'nope-nope-nope',
    });
    const unknown = await browserClient(app.url).call('POST', '/session', {
      email: 'nobody@example.com',
      password: PASSWORD,
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
  });

  it('refuses changes made with the cookie but without the CSRF token or from another site', async () => {
    const browser = await signedIn(`${unique('c').toLowerCase()}@example.com`);
    const token = browser.csrfToken;
    browser.csrfToken = undefined;
    expect((await browser.call('POST', '/advertisers', { name: unique('A') })).status).toBe(403);
    browser.csrfToken = token;
    const crossSite = await browser.call(
      'POST',
      '/advertisers',
      { name: unique('A') },
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
    );
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.error.message).toMatch(/cross-site/);
    const otherOrigin = await browser.call(
      'POST',
      '/advertisers',
      { name: unique('A') },
      { origin: 'https://evil.example' },
    );
    expect(otherOrigin.status).toBe(403);
    // A cross-site sign-in attempt (login CSRF) is refused too.
    const login = await browserClient(app.url).call(
      'POST',
      '/session',
      { email: 'x@example.com', password: PASSWORD },
      { 'sec-fetch-site': 'cross-site' },
    );
    expect(login.status).toBe(403);
  });

  it('sign-out revokes the session on the server: the same cookie no longer works', async () => {
    const browser = await signedIn(`${unique('o').toLowerCase()}@example.com`);
    const cookie = browser.cookie;
    expect((await browser.call('DELETE', '/session')).status).toBe(204);
    expect(browser.lastSetCookie).toMatch(/Max-Age=0/);
    browser.cookie = cookie;
    expect((await browser.call('GET', '/advertisers')).status).toBe(401);
  });

  it('ends a session after the idle time, and after the absolute time however active', async () => {
    const idle = await signedIn(`${unique('i').toLowerCase()}@example.com`);
    clock.advance(SESSION_IDLE_MS - 1000);
    expect((await idle.call('GET', '/session')).status).toBe(200);
    clock.advance(SESSION_IDLE_MS - 1000);
    expect((await idle.call('GET', '/session')).status).toBe(200);
    clock.advance(SESSION_IDLE_MS + 1);
    expect((await idle.call('GET', '/session')).body.user).toBeNull();
    expect((await idle.call('GET', '/advertisers')).status).toBe(401);

    const busy = await signedIn(`${unique('b').toLowerCase()}@example.com`);
    for (let t = 0; t < SESSION_ABSOLUTE_MS; t += SESSION_IDLE_MS / 2) {
      expect((await busy.call('GET', '/session')).status).toBe(200);
      clock.advance(SESSION_IDLE_MS / 2);
    }
    expect((await busy.call('GET', '/session')).body.user).toBeNull();
    expect((await busy.call('GET', '/advertisers')).status).toBe(401);
  });

  it('throttles failed sign-ins per account with a clear message, then lets the right password in later', async () => {
    const email = `${unique('t').toLowerCase()}@example.com`;
    await createUser(app.ctx.store.db, { email, password: PASSWORD, role: 'admin' }, clock.now());
    for (let i = 0; i < 5; i++) {
      expect(
        (await browserClient(app.url).call('POST', '/session', { email, password: 'wrong-password' })).status,
      ).toBe(401);
    }
    const blocked = await browserClient(app.url).call('POST', '/session', { email, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.message).toMatch(
      /Too many failed sign-ins for this account\. Try again in 15 minutes\./,
    );
    clock.advance(15 * 60 * 1000 + 1);
    expect(
      (await browserClient(app.url).call('POST', '/session', { email, password: PASSWORD })).status,
    ).toBe(201);
  });

  it('throttles failed sign-ins per client address across accounts', async () => {
    clock.advance(60 * 60 * 1000);
    for (let i = 0; i < 20; i++) {
      await browserClient(app.url).call('POST', '/session', {
        email: `nobody${i}@example.com`,
        password: 'x',
      });
    }
    const blocked = await browserClient(app.url).call('POST', '/session', {
      email: 'n@example.com',
      password: 'x',
    });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.message).toMatch(/from your address/);
    clock.advance(15 * 60 * 1000 + 1);
  });

  it('an admin invites a publisher user, who sees only its own publisher and no revenue', async () => {
    const adminBrowser = await signedIn(`${unique('a').toLowerCase()}@example.com`);
    const mine = (await admin()('POST', '/publishers', { name: unique('Mine') })).body;
    const theirs = (await admin()('POST', '/publishers', { name: unique('Theirs') })).body;
    const adv = (await admin()('POST', '/advertisers', { name: unique('Adv') })).body;
    const offer = (
      await admin()('POST', '/offers', {
        advertiserId: adv.id,
        name: 'O',
        url: 'https://x.example/',
        payout: 2,
        revenue: 5,
      })
    ).body;
    const invite = await adminBrowser.call('POST', '/invites', {
      email: 'pub@example.com',
      role: 'publisher',
      publisherId: mine.id,
    });
    expect(invite.status).toBe(201);
    const token = new URL(invite.body.url).searchParams.get('token') as string;
    const pub = browserClient(app.url);
    expect((await pub.call('GET', `/user-links/${token}`)).body).toMatchObject({
      kind: 'invite',
      email: 'pub@example.com',
    });
    const accepted = await pub.call('POST', `/user-links/${token}/accept`, { password: PASSWORD });
    expect(accepted.body.user).toMatchObject({ role: 'publisher', publisherId: mine.id });
    expect((await pub.call('GET', `/publishers/${theirs.id}`)).status).toBe(404);
    expect((await pub.call('GET', `/publishers/${mine.id}`)).status).toBe(200);
    await admin()('POST', '/links', { offerId: offer.id, publisherId: mine.id });
    const seen = await pub.call('GET', `/offers/${offer.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.revenue).toBeUndefined();
    expect((await pub.call('GET', '/users')).status).toBe(403);
    expect((await pub.call('POST', '/invites', { email: 'x@example.com', role: 'admin' })).status).toBe(403);
    expect(
      (await adminBrowser.call('GET', '/users')).body.data.map((u: { email: string }) => u.email),
    ).toContain('pub@example.com');
  });

  it('a disabled user is signed out and cannot sign in again', async () => {
    const adminBrowser = await signedIn(`${unique('d').toLowerCase()}@example.com`);
    const email = `${unique('gone').toLowerCase()}@example.com`;
    const victim = await signedIn(email);
    const id = (await victim.call('GET', '/session')).body.user.id;
    expect((await adminBrowser.call('DELETE', `/users/${id}`)).status).toBe(204);
    expect((await victim.call('GET', '/session')).body.user).toBeNull();
    expect(
      (await browserClient(app.url).call('POST', '/session', { email, password: PASSWORD })).status,
    ).toBe(401);
  });
});

describeEachStore('first-run setup link', (current) => {
  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(current().store, {}, clock);
  });
  afterAll(() => app.close());

  it('stops working 24 hours after it was printed', async () => {
    const banner = await setupLinkBanner(app.ctx);
    const url = banner.map((l) => l.trim()).find((l) => l.includes('/setup?token='));
    const token = new URL(url as string).searchParams.get('token') as string;
    clock.advance(SETUP_LINK_MS - 1);
    expect((await browserClient(app.url).call('GET', `/user-links/${token}`)).status).toBe(200);
    clock.advance(1);
    const late = await browserClient(app.url).call('POST', `/user-links/${token}/accept`, {
      email: 'late@example.com',
      password: PASSWORD,
    });
    expect(late.status).toBe(404);
    expect(late.body.error.message).toMatch(/expired/);
  });
});

describeEachStore('session cookie behind HTTPS', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(current().store, { publicUrl: 'https://track.example.com' });
  });
  afterAll(() => app.close());

  it('marks the session cookie Secure', async () => {
    await createUser(
      app.ctx.store.db,
      { email: 'sec@example.com', password: PASSWORD, role: 'admin' },
      Date.now(),
    );
    const browser = browserClient(app.url);
    await browser.call('POST', '/session', { email: 'sec@example.com', password: PASSWORD });
    expect(browser.lastSetCookie).toMatch(/; Secure/);
  });
});
