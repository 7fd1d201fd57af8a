// The log screens in real Chromium, on both stores: a rejected inbound hit found and explained (and
// a new one appearing without reload); a conversion followed to its delivery attempts; a failed
// delivery resent by hand against a publisher's server that has since recovered.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BREAKER_NEVER_OPENS } from '../../src/deliveries/transport/circuit-breaker.ts';
import { startDeliveryWorker } from '../../src/deliveries/worker/delivery-worker.ts';
import { createUser } from '../../src/users/user.service.ts';
import { collectConsoleErrors, expectNoSeriousA11yViolations } from '../support/browser.ts';
import { type Dashboard, describeDashboard, JOURNEY_MS, PASSWORD } from '../support/dashboard.ts';

/** A publisher's postback endpoint that refuses (400) until it is told to recover. */
interface PublisherServer {
  url: string;
  received: URL[];
  healthy: boolean;
  server: Server;
}

function startPublisherServer(): Promise<PublisherServer> {
  const state = { received: [] as URL[], healthy: false } as PublisherServer;
  state.server = createServer((request: IncomingMessage, response) => {
    const url = new URL(request.url ?? '/', 'http://publisher');
    state.received.push(url);
    // It checks what it is sent, as a real one would: a GET to /pb with our click id and a postback id.
    const wellFormed =
      request.method === 'GET' &&
      url.pathname === '/pb' &&
      url.searchParams.get('cid') &&
      url.searchParams.get('pid');
    if (!wellFormed) return response.writeHead(422).end('malformed postback');
    if (!state.healthy) return response.writeHead(400, { 'content-type': 'text/plain' }).end('unknown offer');
    return response.writeHead(200, { 'content-type': 'text/plain' }).end('ok: conversion recorded');
  });
  return new Promise((resolve) =>
    state.server.listen(0, '127.0.0.1', () => {
      state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}`;
      resolve(state);
    }),
  );
}

async function advertiserToken(d: Dashboard): Promise<string> {
  return (await d.admin('GET', `/advertisers/${d.ids.advertiser}`)).body.postbackToken;
}

async function waitFor<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A click through the seeded link and an approved inbound postback for it: the conversion id. */
async function convert(d: Dashboard, txnId: string): Promise<{ clickId: string; conversionId: string }> {
  const click = await fetch(`${d.app.url}/c/puzzle-mb1`, { redirect: 'manual' });
  const clickId = new URL(click.headers.get('location') ?? '').searchParams.get('click_id') ?? '';
  expect(clickId).not.toBe('');
  const token = await advertiserToken(d);
  const inbound = await fetch(
    `${d.app.url}/postback?token=${token}&click_id=${clickId}&txn_id=${txnId}&status=approved`,
  );
  const answer = await inbound.json();
  expect(answer.code).toBe('conversion_created');
  return { clickId, conversionId: answer.conversionId };
}

/** Runs the delivery worker until `read` sees what it waits for. */
async function runWorkerUntil<T>(d: Dashboard, what: string, read: () => Promise<T | undefined>): Promise<T> {
  const worker = startDeliveryWorker(d.app.ctx, { breaker: BREAKER_NEVER_OPENS });
  try {
    return await waitFor(what, read);
  } finally {
    await worker.stop();
  }
}

describeDashboard('dashboard log journeys in Chromium', { signedIn: true }, (d) => {
  let publisher: PublisherServer;
  beforeAll(async () => {
    publisher = await startPublisherServer();
  });
  afterAll(() => publisher?.server.close());

  it(
    'finds a rejected inbound hit and reads what it means and what to do; new hits appear without reload',
    async () => {
      const { page, app, screen } = d();
      const token = await advertiserToken(d());
      const sent = await fetch(`${app.url}/postback?token=${token}&click_id=never-issued-1&txn_id=A-1`);
      expect(sent.status).toBe(404);
      await page.getByRole('link', { name: 'Inbound hits' }).click();
      await screen('Inbound hits');
      await page.getByLabel('Result', { exact: true }).selectOption('rejected');
      await page.getByLabel('Click id').fill('never-issued-1');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL(/result=rejected/);
      const hits = page.getByRole('list', { name: 'Hits' });
      await hits.getByRole('heading', { name: /unknown_click/ }).waitFor();
      await expect(hits.getByRole('article').count()).resolves.toBe(1);
      const note = hits.getByRole('note', { name: 'What unknown_click means' });
      await expect(note.textContent()).resolves.toContain('The click id was not found');
      await expect(note.textContent()).resolves.toContain(
        'check that the advertiser sends the click id you passed in the offer URL'.replace(/^c/, 'C'),
      );
      await expect(hits.getByText('GET /postback?').textContent()).resolves.toContain(
        'click_id=never-issued-1',
      );
      await expect(hits.getByText('GET /postback?').textContent()).resolves.not.toContain(token);

      // Cleared filters show every hit; one sent now appears while the page stays open.
      await page.getByRole('button', { name: 'Clear' }).click();
      await fetch(`${app.url}/postback?token=${token}&txn_id=A-2`);
      await hits.getByRole('heading', { name: /missing_click_id/ }).waitFor({ timeout: 15_000 });
      await screen('Inbound hits');
    },
    JOURNEY_MS,
  );

  it(
    'opens a conversion, follows it to its delivery attempts, and resends the failed delivery',
    async () => {
      const { page, admin, ids, screen } = d();
      const postback = await admin('POST', '/postbacks', {
        publisherId: ids.publisher,
        url: `${publisher.url}/pb?cid={click_id}&pid={postback_id}`,
        statuses: ['approved'],
        retry4xx: false,
      });
      expect(postback.status).toBe(201);
      const { clickId } = await convert(d(), 'ORDER-9');

      // The worker tries once; the publisher's 400 is final (retry4xx off): the delivery fails.
      const failed = await runWorkerUntil(d(), 'the delivery to fail', async () => {
        const row = (await admin('GET', `/deliveries?postbackId=${postback.body.id}`)).body.data[0];
        return row?.status === 'failed' ? row : undefined;
      });
      expect(publisher.received.at(-1)?.searchParams.get('cid')).toBe(clickId);

      await page.getByRole('link', { name: 'Conversions', exact: true }).click();
      await screen('Conversions');
      await page.getByLabel('Txn id').fill('ORDER-9');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL(/txnId=ORDER-9/);
      const rows = page.getByRole('table', { name: 'Conversions' }).getByRole('row');
      await expect(rows.count()).resolves.toBe(2);
      await rows.nth(1).getByRole('link').click();
      await page.getByRole('heading', { level: 1, name: /^Conversion cv_/ }).waitFor();
      await page.getByRole('heading', { name: 'Status history' }).waitFor();
      // The hit that made it, the delivery with its failed attempt, and why the postback fired.
      await page
        .getByRole('list', { name: 'Hits of this conversion' })
        .getByText('conversion_created')
        .waitFor();
      const delivery = page.getByRole('region', { name: `Delivery ${failed.id}` });
      await delivery.getByRole('table', { name: `Attempts of ${failed.id}` }).waitFor();
      await expect(delivery.getByRole('cell', { name: '400', exact: true }).count()).resolves.toBe(1);
      await expect(delivery.getByText('unknown offer').count()).resolves.toBe(1);
      await page
        .getByRole('article', { name: `Postback #${postback.body.id}` })
        .getByText(/✓ pass status_filter/)
        .waitFor();
      await screen((await page.title()).replace(' · Trackwire', ''));

      // Follow the delivery to its own page; the publisher has fixed its side; resend it.
      await delivery.getByRole('link', { name: failed.id }).click();
      await page.getByRole('heading', { level: 1, name: `Delivery ${failed.id}` }).waitFor();
      publisher.healthy = true;
      await page.getByRole('button', { name: 'Resend now' }).click();
      const attempts = page.getByRole('table', { name: `Attempts of ${failed.id}` });
      await attempts.getByRole('cell', { name: '200', exact: true }).waitFor();
      await attempts.getByText('ok: conversion recorded').waitFor();
      await page.getByRole('heading', { level: 2 }).getByText('succeeded').waitFor();
      const after = (await admin('GET', `/deliveries/${failed.id}`)).body;
      expect(after).toMatchObject({ status: 'succeeded', lastStatusCode: 200 });
      expect(after.attemptLog.map((a: { trigger: string }) => a.trigger)).toEqual(['scheduled', 'manual']);
      await screen(`Delivery ${failed.id}`);
    },
    JOURNEY_MS,
  );

  it(
    "shows a publisher user the same conversion's deliveries and diagnosis, but no hits, revenue or status change",
    async () => {
      const { app, browser, admin, ids } = d();
      await createUser(
        app.ctx.store.db,
        { email: 'buyer@example.com', password: PASSWORD, role: 'publisher', publisherId: ids.publisher },
        Date.now(),
      );
      const [conversion] = (await admin('GET', '/conversions?txnId=ORDER-9')).body.data;
      const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const pub = await context.newPage();
      const errors = collectConsoleErrors(pub);
      try {
        await pub.goto(`${app.url}/signin`);
        await pub.getByLabel('Email').fill('buyer@example.com');
        await pub.getByLabel('Password').fill(PASSWORD);
        await pub.getByRole('button', { name: 'Sign in' }).click();
        await pub.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
        await pub.goto(`${app.url}/conversions/${conversion.id}`);
        await pub.getByRole('heading', { level: 1, name: `Conversion ${conversion.id}` }).waitFor();
        await pub.getByRole('table', { name: /^Attempts of / }).waitFor();
        await pub
          .getByRole('article', { name: /^Postback #/ })
          .first()
          .getByText(/pass publisher/)
          .waitFor();
        await expect(pub.getByRole('heading', { name: 'Inbound hits' }).count()).resolves.toBe(0);
        await expect(pub.getByRole('heading', { name: 'Change status' }).count()).resolves.toBe(0);
        await expect(pub.getByText(/Revenue/).count()).resolves.toBe(0);
        await expectNoSeriousA11yViolations(pub, 'Publisher user, conversion at 390 px');
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    },
    JOURNEY_MS,
  );

  it(
    'filters clicks by sub id and ad-platform click id and opens one with everything captured',
    async () => {
      const { page, app, screen } = d();
      const tagged = await fetch(`${app.url}/c/puzzle-mb1?sub1=fb-spring&fbclid=IwAR-spring-1`, {
        redirect: 'manual',
      });
      const clickId = new URL(tagged.headers.get('location') ?? '').searchParams.get('click_id') ?? '';
      await fetch(`${app.url}/c/puzzle-mb1?sub1=fb-spring`, { redirect: 'manual' });
      await page.getByRole('link', { name: 'Clicks' }).click();
      await screen('Clicks');
      // "/" jumps to the first filter, as on the other lists.
      await page.locator('body').press('/');
      await expect(
        page.getByLabel('Publisher id').evaluate((el) => el === document.activeElement),
      ).resolves.toBe(true);
      await page.getByLabel('Sub ID 1', { exact: true }).fill('fb-spring');
      await page.getByLabel('Has fbclid').selectOption('true');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL(/hasFbclid=true/);
      const rows = page.getByRole('table', { name: 'Clicks' }).getByRole('row');
      await rows.nth(1).getByText('fbclid').waitFor();
      await expect(rows.count()).resolves.toBe(2);
      await rows.nth(1).getByRole('link').click();
      await page.getByRole('heading', { level: 1, name: `Click ${clickId}` }).waitFor();
      const captured = page.getByRole('region', { name: 'Captured' });
      await captured.getByText('IwAR-spring-1').waitFor();
      await captured.getByText('fb-spring').waitFor();
      await page.getByText('This click has not converted.').waitFor();
      // The page is its own URL: a reload lands on it again.
      await page.reload();
      await screen(`Click ${clickId}`);
    },
    JOURNEY_MS,
  );

  it(
    'shows queue health and requeues the failed deliveries of a postback from the Deliveries screen, once',
    async () => {
      const { page, admin, ids, screen } = d();
      publisher.healthy = false;
      const postback = await admin('POST', '/postbacks', {
        publisherId: ids.publisher,
        scope: 'offer',
        offerId: ids.offer,
        fireWithSpecific: true,
        url: `${publisher.url}/pb?cid={click_id}&pid={postback_id}&offer=1`,
        retry4xx: false,
      });
      expect(postback.status).toBe(201);
      await convert(d(), 'ORDER-10');
      await runWorkerUntil(d(), 'the delivery to fail', async () => {
        const row = (await admin('GET', `/deliveries?postbackId=${postback.body.id}`)).body.data[0];
        return row?.status === 'failed' ? row : undefined;
      });

      await page.getByRole('link', { name: 'Deliveries' }).click();
      await screen('Deliveries');
      const health = page.getByRole('region', { name: 'Queue health' });
      await health
        .getByRole('table', { name: 'Failing endpoints' })
        .getByRole('link', { name: `#${postback.body.id}` })
        .waitFor();
      const resend = page.getByRole('region', { name: 'Resend failed deliveries' });
      await resend.getByLabel('Postback id').fill(String(postback.body.id));
      await resend.getByRole('button', { name: 'Resend failed' }).click();
      await resend.getByRole('status').getByText('1 failed deliveries requeued.').waitFor();
      // A second click finds nothing more to requeue.
      await resend.getByRole('button', { name: 'Resend failed' }).click();
      await resend.getByRole('status').getByText('No failed delivery to requeue.').waitFor();

      publisher.healthy = true;
      await runWorkerUntil(d(), 'the requeued delivery to succeed', async () => {
        const row = (await admin('GET', `/deliveries?postbackId=${postback.body.id}`)).body.data[0];
        return row?.status === 'succeeded' ? row : undefined;
      });
      await page.getByLabel('Postback id', { exact: true }).last().fill(String(postback.body.id));
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL(new RegExp(`postbackId=${postback.body.id}`));
      const rows = page.getByRole('table', { name: 'Deliveries' }).getByRole('row');
      await rows.nth(1).getByText('succeeded').waitFor();
      await expect(rows.count()).resolves.toBe(2);
    },
    JOURNEY_MS,
  );
});
