// The dashboard's journeys in real Chromium, on both stores: first-run setup, sign-in and sign-out,
// the set-up screens, the tracking link, the postback editor's macro picker, "Test conversion",
// a publisher's own view, and a forged cross-site POST. Every screen passes axe-core (no serious or
// critical violation) and logs no console error.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setupLinkBanner } from '../../src/users/setup-banner.ts';
import { apiClient } from '../support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/app.ts';
import { collectConsoleErrors, expectNoSeriousA11yViolations, launchChromium } from '../support/browser.ts';
import { describeEachStore } from '../support/stores.ts';

const PASSWORD = 'correct horse battery';
const JOURNEY_MS = 90_000;

interface Received {
  method: string;
  url: string;
}

function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    received.push({ method: request.method ?? '', url: request.url ?? '' });
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok: recorded');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received }),
    ),
  );
}

describeEachStore('dashboard journeys in Chromium', (current) => {
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const ids: Record<string, number> = {};
  const admin = () => apiClient(app.url, TEST_ADMIN_KEY);

  beforeAll(async () => {
    app = await startTestApp(current().store);
    receiver = await startReceiver();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
    page = await context.newPage();
    errors = collectConsoleErrors(page);
  });
  afterAll(async () => {
    await browser?.close();
    receiver?.server.close();
    await app?.close();
  });

  async function heading(name: string) {
    await page.getByRole('heading', { level: 1, name }).waitFor();
  }

  async function screen(name: string) {
    await heading(name);
    await expectNoSeriousA11yViolations(page, name);
  }

  it(
    'first-run setup: the printed link creates the first admin and signs them in',
    async () => {
      const link = (await setupLinkBanner(app.ctx))
        .map((l) => l.trim())
        .find((l) => l.includes('/setup?token='));
      await page.goto((link as string).replace(app.ctx.config.publicUrl, app.url));
      await screen('Create the first admin');
      await page.getByLabel('Email').fill('owner@example.com');
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByLabel('Repeat password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Create admin account' }).click();
      await screen('Overview');
      await page.getByText('owner@example.com · admin').waitFor();
    },
    JOURNEY_MS,
  );

  it(
    'signs out (the session is revoked on the server) and signs in again with the form',
    async () => {
      const [cookie] = await context.cookies(app.url);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await screen('Sign in to Trackwire');
      const replay = await fetch(`${app.url}/api/v1/advertisers`, {
        headers: { cookie: `${cookie.name}=${cookie.value}` },
      });
      expect(replay.status).toBe(401);
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

      await page.getByLabel('Email').fill('owner@example.com');
      await page.getByLabel('Password').fill('wrong password!');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
      errors.splice(0); // the refused sign-in's 401 is the point of this step
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await screen('Overview');
    },
    JOURNEY_MS,
  );

  it(
    'creates an advertiser and shows its postback URL, with goal URLs from the generator',
    async () => {
      await page.getByRole('link', { name: 'Advertisers' }).click();
      await screen('Advertisers');
      await page.getByRole('link', { name: 'New advertiser' }).first().click();
      await screen('New advertiser');
      await page.getByLabel('Name').fill('Acme Ads');
      await page.getByLabel('IP allow-list').fill('203.0.113.0/33');
      await page.getByText('the prefix must be 0–32').waitFor();
      await page.getByLabel('IP allow-list').fill('203.0.113.0/24');
      await page.getByRole('button', { name: 'Create advertiser' }).click();
      await screen('Acme Ads');
      const advertiser = (await admin()('GET', '/advertisers')).body.data.find(
        (a: { name: string }) => a.name === 'Acme Ads',
      );
      ids.advertiser = advertiser.id;
      await page.getByText(advertiser.postbackUrl, { exact: true }).waitFor();
      await page.getByRole('button', { name: 'Copy inbound postback URL' }).click();
      await page.getByRole('button', { name: 'Copy inbound postback URL' }).getByText('Copied').waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(advertiser.postbackUrl);
    },
    JOURNEY_MS,
  );

  it(
    'creates an offer with goals, whose page lists a postback URL per goal',
    async () => {
      await page.getByRole('link', { name: 'New offer' }).click();
      await screen('New offer');
      await page.getByLabel('Offer name').fill('Puzzle game install');
      await page.getByLabel('Destination URL').fill(`${receiver.url}/landing?click_id=`);
      await page.getByLabel('Destination URL').pressSequentially('{click');
      await page.getByRole('listbox', { name: 'Macros' }).waitFor();
      await page.keyboard.press('Enter');
      await expect(page.getByLabel('Destination URL').inputValue()).resolves.toBe(
        `${receiver.url}/landing?click_id={click_id}`,
      );
      await page.getByLabel('Payout', { exact: true }).fill('2');
      await page.getByLabel('Revenue', { exact: true }).fill('3.5');
      for (const [key, name, payout] of [
        ['install', 'Install', ''],
        ['purchase', 'Purchase', '10'],
      ]) {
        await page.getByRole('button', { name: 'Add goal' }).click();
        const n = key === 'install' ? 1 : 2;
        await page.getByLabel(`Goal ${n} key`).fill(key);
        await page.getByLabel(`Goal ${n} name`).fill(name);
        await page.getByLabel(`Goal ${n} payout`).fill(payout);
      }
      await expectNoSeriousA11yViolations(page, 'New offer, filled');
      await page.getByRole('button', { name: 'Create offer' }).click();
      await screen('Puzzle game install');
      ids.offer = Number(page.url().split('/').pop());
      await page.getByRole('heading', { name: 'Conversion tracking' }).waitFor();
      await page.getByRole('button', { name: 'Copy purchase postback URL' }).waitFor();
      const offer = (await admin()('GET', `/offers/${ids.offer}`)).body;
      expect(offer.goals.map((g: { key: string }) => g.key)).toEqual(['install', 'purchase']);
      expect(offer).toMatchObject({ payout: 2, revenue: 3.5 });

      // Back on the advertiser: "Add goal value" adds goal=<key> to the URL.
      await page.goto(`${app.url}/advertisers/${ids.advertiser}`);
      await heading('Acme Ads');
      await page.getByLabel('Add goal value').check();
      await page.getByLabel('Offer', { exact: true }).selectOption(String(ids.offer));
      await page.getByLabel('Goal', { exact: true }).selectOption('purchase');
      await page.getByText(/goal=purchase/).waitFor();
      await expectNoSeriousA11yViolations(page, 'Advertiser, goal URL');
    },
    JOURNEY_MS,
  );

  it(
    'creates publishers',
    async () => {
      await page.getByRole('link', { name: 'Publishers' }).click();
      await screen('Publishers');
      for (const name of ['Media Buyer One', 'Other Publisher']) {
        await page.getByLabel('Publisher name').fill(name);
        await page.getByRole('button', { name: 'Create publisher' }).click();
        await page.getByRole('link', { name, exact: true }).first().waitFor();
      }
      const list = (await admin()('GET', '/publishers')).body.data as { id: number; name: string }[];
      ids.publisher = list.find((p) => p.name === 'Media Buyer One')?.id as number;
      ids.otherPublisher = list.find((p) => p.name === 'Other Publisher')?.id as number;
      await page.getByRole('link', { name: 'Media Buyer One' }).first().click();
      await screen('Media Buyer One');
    },
    JOURNEY_MS,
  );

  it(
    'makes a tracking link with sub ids that update it as you type, copies it and follows it',
    async () => {
      await page.getByRole('link', { name: 'Links & Promotion' }).click();
      await screen('Links & Promotion');
      await page.getByLabel('Offer', { exact: true }).selectOption(String(ids.offer));
      await page.getByLabel('Publisher', { exact: true }).selectOption(String(ids.publisher));
      await page.getByLabel('Slug (optional)').fill('puzzle-mb1');
      await page.getByRole('button', { name: 'Create tracking link' }).click();
      await page.getByRole('heading', { name: 'Your tracking link' }).waitFor();
      await page.getByRole('button', { name: 'Add Sub IDs' }).click();
      await page.getByLabel('Sub ID 1', { exact: true }).pressSequentially('instagram');
      await page.getByLabel('Sub ID 2').fill('story');
      const expected = `${app.ctx.config.publicUrl}/c/puzzle-mb1?sub1=instagram&sub2=story`;
      await page.getByText(expected, { exact: true }).waitFor();
      await expectNoSeriousA11yViolations(page, 'Links & Promotion with Sub IDs');
      await page.getByRole('button', { name: 'Copy tracking link' }).click();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied).toBe(expected);

      const follow = await fetch(copied.replace(app.ctx.config.publicUrl, app.url), { redirect: 'manual' });
      expect(follow.status).toBe(302);
      expect(follow.headers.get('location')).toMatch(
        new RegExp(`^${receiver.url}/landing\\?click_id=[A-Za-z0-9_-]{24}$`),
      );
      const clicks = await admin()('GET', `/clicks?offerId=${ids.offer}`);
      expect(clicks.body.data[0]).toMatchObject({ sub1: 'instagram', sub2: 'story' });
    },
    JOURNEY_MS,
  );

  it(
    'builds a postback with the macro picker by keyboard, flags a misspelled macro, and fires a test conversion',
    async () => {
      await page.getByRole('link', { name: 'Postbacks' }).click();
      await screen('Postbacks');
      await page.getByRole('link', { name: 'Add your first postback URL' }).click();
      await screen('New postback');
      await page.getByLabel('Publisher', { exact: true }).selectOption(String(ids.publisher));
      const field = page.getByLabel('Postback URL');
      await field.click();
      await field.pressSequentially('ftp://x');
      await page.getByText('Your URL must start with http:// or https://.').waitFor();
      await field.fill('');
      await field.pressSequentially(`${receiver.url}/pb?cid=`);
      await page.getByText(/Plain http:\/\/ sends conversion data unencrypted/).waitFor();
      // Typing "{" opens the picker; typing filters it; Enter inserts the whole macro.
      await field.pressSequentially('{exter');
      await page
        .getByRole('listbox', { name: 'Macros' })
        .getByRole('option', { name: /external_id/ })
        .first()
        .waitFor();
      await expectNoSeriousA11yViolations(page, 'Postback editor, macro picker open');
      await page.keyboard.press('Enter');
      await expect(field.inputValue()).resolves.toBe(`${receiver.url}/pb?cid={external_id}`);
      // The "{ } Add macro" button, by keyboard: Tab to it, Enter, search, arrow, Enter.
      await field.press('End');
      await field.pressSequentially('&sub={{');
      await page.keyboard.press('Escape');
      await field.press('Backspace');
      await field.press('Backspace');
      await page.keyboard.press('Tab');
      await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('{ } Add macro');
      await page.keyboard.press('Enter');
      await expect(
        page.getByLabel('Search macros').evaluate((el) => el === document.activeElement),
      ).resolves.toBe(true);
      await page.keyboard.type('sub1');
      await page.keyboard.press('Enter');
      await expect(field.inputValue()).resolves.toBe(`${receiver.url}/pb?cid={external_id}&sub={sub1}`);
      // A misspelled macro is marked before saving, with the nearest name.
      await field.press('End');
      await field.pressSequentially('&p={payot}');
      await page.getByText(/did you mean/).waitFor();
      await page.getByText('Unknown macro {payot} — did you mean {payout}?').waitFor();
      await page.getByRole('button', { name: 'Use {payout}' }).click();
      await expect(field.inputValue()).resolves.toBe(
        `${receiver.url}/pb?cid={external_id}&sub={sub1}&p={payout}`,
      );
      await page.getByRole('button', { name: 'Approve' }).click();
      await expect(page.getByRole('button', { name: 'Approve' }).getAttribute('aria-pressed')).resolves.toBe(
        'true',
      );
      await page.getByText(/^GET http:\/\/127\.0\.0\.1:\d+\/pb\?cid=[^{]+&sub=[^{]*&p=\d/).waitFor();
      await page.getByRole('button', { name: 'Save postback' }).click();
      await page.getByRole('heading', { level: 1, name: /^Postback #\d+$/ }).waitFor();
      const postbackId = Number(page.url().split('/').pop());
      const saved = (await admin()('GET', `/postbacks/${postbackId}`)).body;
      expect(saved).toMatchObject({
        publisherId: ids.publisher,
        scope: 'global',
        url: `${receiver.url}/pb?cid={external_id}&sub={sub1}&p={payout}`,
        statuses: ['approved'],
      });
      await expectNoSeriousA11yViolations(page, 'Postback');

      await page.getByRole('button', { name: 'Test conversion' }).click();
      const result = page.getByRole('status', { name: 'Test result' });
      await result.waitFor();
      await expect(result.getByText('ok: recorded').count()).resolves.toBe(1);
      await expect(result.locator('dd').first().textContent()).resolves.toBe('200');
      expect(receiver.received.at(-1)?.url).toMatch(/^\/pb\?cid=[^&]+&sub=[^&]*&p=\d/);
      await expectNoSeriousA11yViolations(page, 'Postback, test result');
    },
    JOURNEY_MS,
  );

  it(
    "ties a local postback to one of the publisher's tracking links",
    async () => {
      await page.goto(`${app.url}/postbacks/new?publisherId=${ids.publisher}`);
      await screen('New postback');
      await page.getByLabel('Local: one offer, goal or link').check();
      await page.getByLabel('Offer', { exact: true }).selectOption(String(ids.offer));
      await page.getByLabel('Tracking link').selectOption({ label: '/c/puzzle-mb1' });
      await page.getByLabel('Postback URL').fill('https://flow.example/pb?cid={external_id}');
      await expectNoSeriousA11yViolations(page, 'Postback editor, link scope');
      await page.getByRole('button', { name: 'Save postback' }).click();
      await page.getByRole('heading', { level: 1, name: /^Postback #\d+$/ }).waitFor();
      const saved = (await admin()('GET', `/postbacks/${page.url().split('/').pop()}`)).body;
      const link = (await admin()('GET', `/links?publisherId=${ids.publisher}`)).body.data[0];
      expect(saved).toMatchObject({ scope: 'link', linkId: link.id, offerId: ids.offer });
      await page.getByText(`Link #${link.id} (offer #${ids.offer})`).waitFor();
    },
    JOURNEY_MS,
  );

  it(
    'a publisher user, invited by link, sees only its own objects and never revenue',
    async () => {
      await admin()('POST', '/links', {
        offerId: ids.offer,
        publisherId: ids.otherPublisher,
        slug: 'other-link',
      });
      const foreign = (
        await admin()('POST', '/postbacks', {
          publisherId: ids.otherPublisher,
          url: 'https://other.example/pb',
        })
      ).body;
      await page.getByRole('link', { name: 'Users' }).click();
      await screen('Users');
      await page.getByLabel('Email').fill('buyer@example.com');
      await page.getByLabel('Role').selectOption('publisher');
      await page.getByLabel('Publisher', { exact: true }).selectOption(String(ids.publisher));
      await page.getByRole('button', { name: 'Create invite link' }).click();
      await page.getByRole('button', { name: 'Copy invite link' }).click();
      const inviteUrl = await page.evaluate(() => navigator.clipboard.readText());

      const pubContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const pub = await pubContext.newPage();
      const pubErrors = collectConsoleErrors(pub);
      try {
        await pub.goto(inviteUrl.replace(app.ctx.config.publicUrl, app.url));
        await pub.getByText('You were invited as buyer@example.com').waitFor();
        await pub.getByLabel('Password', { exact: true }).fill(PASSWORD);
        await pub.getByLabel('Repeat password').fill(PASSWORD);
        await pub.getByRole('button', { name: 'Accept invitation' }).click();
        await pub.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
        await expectNoSeriousA11yViolations(pub, 'Publisher overview at 390 px');
        await expect(pub.getByText(/Revenue|Profit/).count()).resolves.toBe(0);
        // At 390 px the sidebar is behind the menu button.
        await pub.getByRole('button', { name: 'Menu' }).click();
        const nav = pub.getByRole('navigation', { name: 'Main' });
        await expect(nav.getByRole('link').allTextContents()).resolves.toEqual([
          ' Trackwire',
          'Overview',
          'Conversions',
          'Links & Promotion',
          'Postbacks',
        ]);
        await nav.getByRole('link', { name: 'Links & Promotion' }).click();
        await pub.getByRole('heading', { level: 1, name: 'Links & Promotion' }).waitFor();
        await pub.getByRole('cell', { name: '/c/puzzle-mb1' }).waitFor();
        await expect(pub.getByText(/other-link/).count()).resolves.toBe(0);
        await expectNoSeriousA11yViolations(pub, 'Publisher links');
        await pub.goto(`${app.url}/postbacks`);
        await pub.getByRole('heading', { level: 1, name: 'Postbacks' }).waitFor();
        await expect(pub.getByText('other.example').count()).resolves.toBe(0);
        await pub.goto(`${app.url}/conversions`);
        await pub.getByRole('heading', { level: 1, name: 'Conversions' }).waitFor();
        await expect(pub.getByText(/Revenue/).count()).resolves.toBe(0);
        await pub.goto(`${app.url}/postbacks/${foreign.id}`);
        await pub.getByText('This postback could not be loaded: postback not found').waitFor();
        // The refused read of someone else's postback is the point of this step.
        expect(pubErrors.splice(0).every((e) => /404/.test(e))).toBe(true);
        const revenue = await pub.evaluate(
          async (offerId) => (await (await fetch(`/api/v1/offers/${offerId}`)).json()).revenue,
          ids.offer,
        );
        expect(revenue).toBeUndefined();
        expect(pubErrors).toEqual([]);
      } finally {
        await pubContext.close();
      }
    },
    JOURNEY_MS,
  );

  it(
    'an advertiser user sees its own advertiser, offers and postback URLs, without admin actions',
    async () => {
      const other = (await admin()('POST', '/advertisers', { name: 'Other Advertiser' })).body;
      const invite = (
        await admin()('POST', '/invites', {
          email: 'adv@example.com',
          role: 'advertiser',
          advertiserId: ids.advertiser,
        })
      ).body;
      const advContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const adv = await advContext.newPage();
      const advErrors = collectConsoleErrors(adv);
      try {
        await adv.goto(invite.url.replace(app.ctx.config.publicUrl, app.url));
        await adv.getByLabel('Password', { exact: true }).fill(PASSWORD);
        await adv.getByLabel('Repeat password').fill(PASSWORD);
        await adv.getByRole('button', { name: 'Accept invitation' }).click();
        await adv.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
        const nav = adv.getByRole('navigation', { name: 'Main' });
        await expect(nav.getByRole('link').allTextContents()).resolves.toEqual([
          ' Trackwire',
          'Overview',
          'Conversions',
          'Advertisers',
          'Offers',
        ]);
        await nav.getByRole('link', { name: 'Advertisers' }).click();
        await adv.getByRole('link', { name: 'Acme Ads' }).waitFor();
        await expect(adv.getByText('Other Advertiser').count()).resolves.toBe(0);
        await adv.getByRole('link', { name: 'Acme Ads' }).click();
        await adv.getByRole('heading', { level: 2, name: 'Advertiser postback' }).waitFor();
        await expect(adv.getByRole('button', { name: 'Rotate token' }).count()).resolves.toBe(0);
        await expectNoSeriousA11yViolations(adv, 'Advertiser user, own advertiser');
        await adv.goto(`${app.url}/advertisers/${other.id}`);
        await adv.getByText('This advertiser could not be loaded: advertiser not found').waitFor();
        expect(advErrors.splice(0).every((e) => /404/.test(e))).toBe(true);
        await adv.goto(`${app.url}/offers`);
        await adv.getByRole('link', { name: 'Puzzle game install' }).waitFor();
        expect(advErrors).toEqual([]);
      } finally {
        await advContext.close();
      }
    },
    JOURNEY_MS,
  );

  it(
    'refuses a forged cross-site POST carrying the session cookie',
    async () => {
      const evil = createServer((_request, response) =>
        response.writeHead(200, { 'content-type': 'text/html' }).end(
          `<!doctype html><title>evil</title><form method="post" action="${app.url}/api/v1/advertisers">
           <input name="name" value="Forged"></form><script>document.forms[0].submit()</script>`,
        ),
      );
      await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
      const evilPage = await context.newPage();
      try {
        const answer = evilPage.waitForResponse((r) => r.url() === `${app.url}/api/v1/advertisers`);
        // Another port on the same host is the same site, so SameSite=Lax still sends the cookie:
        // only the same-origin and CSRF-token checks stand in the way.
        await evilPage.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
        expect((await answer).status()).toBe(403);
        await evilPage.getByText('cross-site request refused').waitFor();
        const names = (await admin()('GET', '/advertisers')).body.data.map((a: { name: string }) => a.name);
        expect(names).not.toContain('Forged');
      } finally {
        await evilPage.close();
        evil.close();
      }
    },
    JOURNEY_MS,
  );

  it('logged no console error on any screen', () => {
    expect(errors).toEqual([]);
  });
});
