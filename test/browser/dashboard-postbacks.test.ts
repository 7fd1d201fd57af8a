// The postback editor in real Chromium, on both stores: the macro picker by keyboard, a misspelled
// macro flagged, "Test conversion" against a loopback receiver, a link-scope postback; and a forged
// same-site POST refused.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { expectNoSeriousA11yViolations } from '../support/browser.ts';
import { describeDashboard, JOURNEY_MS } from '../support/dashboard.ts';

describeDashboard('dashboard postback journeys in Chromium', { signedIn: true }, (d) => {
  it(
    'builds a postback with the macro picker by keyboard, flags a misspelled macro, and fires a test conversion',
    async () => {
      const { page, admin, ids, receiver, screen } = d();
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
      // A global URL postback may also tell the rewards site about adjustments made by hand.
      await page.getByRole('button', { name: 'Manual adjustments' }).click();
      await page.getByRole('button', { name: 'Save postback' }).click();
      await page.getByRole('heading', { level: 1, name: /^Postback #\d+$/ }).waitFor();
      const postbackId = Number(page.url().split('/').pop());
      const saved = (await admin('GET', `/postbacks/${postbackId}`)).body;
      expect(saved).toMatchObject({
        publisherId: ids.publisher,
        scope: 'global',
        url: `${receiver.url}/pb?cid={external_id}&sub={sub1}&p={payout}`,
        statuses: ['approved', 'adjustment'],
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
      const { page, app, admin, ids, screen } = d();
      await page.goto(`${app.url}/postbacks/new?publisherId=${ids.publisher}`);
      await screen('New postback');
      await page.getByLabel('Local: one offer, goal or link').check();
      await expect(page.getByRole('button', { name: 'Manual adjustments' }).count()).resolves.toBe(0);
      await page.getByLabel('Offer', { exact: true }).selectOption(String(ids.offer));
      await page.getByLabel('Tracking link').selectOption({ label: '/c/puzzle-mb1' });
      await page.getByLabel('Postback URL').fill('https://flow.example/pb?cid={external_id}');
      await expectNoSeriousA11yViolations(page, 'Postback editor, link scope');
      await page.getByRole('button', { name: 'Save postback' }).click();
      await page.getByRole('heading', { level: 1, name: /^Postback #\d+$/ }).waitFor();
      const saved = (await admin('GET', `/postbacks/${page.url().split('/').pop()}`)).body;
      const link = (await admin('GET', `/links?publisherId=${ids.publisher}`)).body.data[0];
      expect(saved).toMatchObject({ scope: 'link', linkId: link.id, offerId: ids.offer });
      await page.getByText(`Link #${link.id} (offer #${ids.offer})`).waitFor();
    },
    JOURNEY_MS,
  );

  it(
    'refuses a forged cross-site POST carrying the session cookie',
    async () => {
      const { app, admin, context } = d();
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
        const names = (await admin('GET', '/advertisers')).body.data.map((a: { name: string }) => a.name);
        expect(names).not.toContain('Forged');
      } finally {
        await evilPage.close();
        evil.close();
      }
    },
    JOURNEY_MS,
  );
});
