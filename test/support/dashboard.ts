// One signed-in dashboard for a browser test file: the real app on a test store, a Chromium context
// with a 1440 px page that may use the clipboard, a loopback receiver for postbacks, and the admin API.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Config } from '../../src/config/config.ts';
import type { Store } from '../../src/db/store.ts';
import { createUser } from '../../src/users/user.service.ts';
import { apiClient, type Call } from './api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from './app.ts';
import { collectConsoleErrors, expectNoSeriousA11yViolations, launchChromium } from './browser.ts';
import { describeEachStore } from './stores.ts';

export const PASSWORD = 'correct horse battery';
export const JOURNEY_MS = 90_000;

export interface Receiver {
  url: string;
  received: { method: string; url: string }[];
}

function startReceiver(): Promise<Receiver & { server: Server }> {
  const received: Receiver['received'] = [];
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

export interface Dashboard {
  app: TestApp;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console errors of `page`; each file asserts it ends empty. */
  errors: string[];
  receiver: Receiver;
  admin: Call;
  /** Ids of what the tests (or seedCatalog) created, by name. */
  ids: Record<string, number>;
  heading(name: string | RegExp): Promise<void>;
  /** Waits for the screen's heading, then runs axe-core on it. */
  screen(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function openDashboard(
  browser: Browser,
  store: Store,
  config: Partial<Config> = {},
): Promise<Dashboard> {
  const app = await startTestApp(store, config);
  const receiver = await startReceiver();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
  const page = await context.newPage();
  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();
  return {
    app,
    browser,
    context,
    page,
    errors: collectConsoleErrors(page),
    receiver,
    admin: apiClient(app.url, TEST_ADMIN_KEY),
    ids: {},
    heading,
    async screen(name) {
      await heading(name);
      await expectNoSeriousA11yViolations(page, name);
    },
    async close() {
      await context.close();
      receiver.server.close();
      await app.close();
    },
  };
}

/**
 * A user invited by the admin API who accepts in a fresh browser context and lands on the Overview;
 * the caller closes `context` and asserts `errors` (the page's console errors).
 */
export async function openInvitedUser(
  d: Dashboard,
  invite: { email: string; role: 'advertiser' | 'publisher'; advertiserId?: number; publisherId?: number },
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const url = (await d.admin('POST', '/invites', invite)).body.url as string;
  const context = await d.browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const errors = collectConsoleErrors(page);
  await page.goto(url.replace(d.app.ctx.config.publicUrl, d.app.url));
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Repeat password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Accept invitation' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  return { context, page, errors };
}

/** An admin user signed in through the form. */
export async function signInAsAdmin(d: Dashboard): Promise<void> {
  await createUser(
    d.app.ctx.store.db,
    { email: 'owner@example.com', password: PASSWORD, role: 'admin' },
    Date.now(),
  );
  await d.page.goto(`${d.app.url}/signin`);
  await d.page.getByLabel('Email').fill('owner@example.com');
  await d.page.getByLabel('Password').fill(PASSWORD);
  await d.page.getByRole('button', { name: 'Sign in' }).click();
  await d.heading('Overview');
}

/** What the set-up journey creates, made through the API: advertiser, offer with goals, two publishers, a link. */
export async function seedCatalog(d: Dashboard): Promise<void> {
  const call = async (path: string, body: unknown) => {
    const reply = await d.admin('POST', path, body);
    if (reply.status !== 201) throw new Error(`${path}: ${JSON.stringify(reply.body)}`);
    return reply.body.id as number;
  };
  d.ids.advertiser = await call('/advertisers', { name: 'Acme Ads' });
  d.ids.offer = await call('/offers', {
    advertiserId: d.ids.advertiser,
    name: 'Puzzle game install',
    url: `${d.receiver.url}/landing?click_id={click_id}`,
    payout: 2,
    revenue: 3.5,
    goals: [
      { key: 'install', name: 'Install' },
      { key: 'purchase', name: 'Purchase', payout: 10 },
    ],
  });
  d.ids.publisher = await call('/publishers', { name: 'Media Buyer One' });
  d.ids.otherPublisher = await call('/publishers', { name: 'Other Publisher' });
  d.ids.link = await call('/links', {
    offerId: d.ids.offer,
    publisherId: d.ids.publisher,
    slug: 'puzzle-mb1',
  });
}

/**
 * Declares a browser suite on both stores around one Dashboard; `signedIn` seeds the catalog and
 * signs an admin in first. The suite ends by checking its page logged no console error.
 * One Chromium serves the file; each store's suite has its own browser context (cookies, storage).
 */
export function describeDashboard(
  name: string,
  options: { signedIn: boolean; config?: Partial<Config> },
  body: (dashboard: () => Dashboard) => void,
): void {
  let browser: Promise<Browser> | undefined;
  afterAll(async () => {
    await (await browser)?.close();
  });
  describeEachStore(name, (current) => {
    let dashboard: Dashboard | undefined;
    beforeAll(async () => {
      browser ??= launchChromium();
      dashboard = await openDashboard(await browser, current().store, options.config);
      if (options.signedIn) {
        await seedCatalog(dashboard);
        await signInAsAdmin(dashboard);
      }
    });
    afterAll(() => dashboard?.close());
    const get = () => {
      if (!dashboard) throw new Error('dashboard not open yet');
      return dashboard;
    };
    body(get);
    it('logged no console error on any screen', () => {
      expect(get().errors).toEqual([]);
    });
  });
}
