// The SmartLink editor in real Chromium, on both stores: rules built, reordered and removed by
// buttons, offers with weights, saved; the "which offer would this visitor get" tester; and a real
// click on the SmartLink's tracking link landing where the tester said.
import { expect, it } from 'vitest';
import { expectNoSeriousA11yViolations } from '../support/browser.ts';
import { describeDashboard, JOURNEY_MS } from '../support/dashboard.ts';

const ANDROID_UA =
  'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36';

describeDashboard('dashboard SmartLink editor in Chromium', { signedIn: true }, (d) => {
  it(
    'builds ordered rules with weighted offers, tests a visitor, and a click follows the same route',
    async () => {
      const { page, app, admin, ids, receiver, screen } = d();
      for (const name of ['Android app', 'Desktop offer']) {
        const reply = await admin('POST', '/offers', {
          advertiserId: ids.advertiser,
          name,
          url: `${receiver.url}/${name.split(' ')[0].toLowerCase()}?c={click_id}&sl={smartlink_id}`,
        });
        ids[name] = reply.body.id;
      }
      await page.getByRole('link', { name: 'SmartLinks' }).click();
      await screen('SmartLinks');
      await page.getByRole('link', { name: 'New SmartLink' }).click();
      await screen('New SmartLink');
      await page.getByLabel('Name', { exact: true }).fill('Sweepstakes');
      await page.getByLabel('Fallback URL').fill('https://fallback.example/?c={click_id}');
      // Rule 1: US iPhones.
      await page.getByLabel('Rule 1 name').fill('US iPhone');
      await page.getByLabel('Rule 1 countries').fill('US');
      await page.getByLabel('Rule 1 OS').fill('iOS');
      await page.getByLabel('Rule 1 offer 1', { exact: true }).selectOption(String(ids.offer));
      // Rule 2: Android, split 3:1.
      await page.getByRole('button', { name: 'Add rule' }).click();
      await page.getByLabel('Rule 2 name').fill('Android');
      await page.getByLabel('Rule 2 OS').fill('Android');
      await page.getByLabel('Rule 2 offer 1', { exact: true }).selectOption(String(ids['Android app']));
      await page.getByLabel('Rule 2 offer 1 weight').fill('3');
      await page.getByRole('button', { name: 'Add offer to rule 2' }).click();
      await page.getByLabel('Rule 2 offer 2', { exact: true }).selectOption(String(ids['Desktop offer']));
      // Rule 3: desktops, moved to the top; rule 4 added and removed again.
      await page.getByRole('button', { name: 'Add rule' }).click();
      await page.getByLabel('Rule 3 name').fill('Desktop');
      await page.getByLabel('Rule 3 devices').fill('desktop');
      await page.getByLabel('Rule 3 offer 1', { exact: true }).selectOption(String(ids['Desktop offer']));
      await page.getByRole('button', { name: 'Move rule 3 up' }).click();
      await page.getByRole('button', { name: 'Move rule 2 up' }).click();
      await page.getByRole('button', { name: 'Add rule' }).click();
      await page.getByRole('button', { name: 'Remove rule 4' }).click();
      await expectNoSeriousA11yViolations(page, 'SmartLink editor');
      await page.getByRole('button', { name: 'Save SmartLink' }).click();
      await page.getByRole('heading', { level: 1, name: 'SmartLink: Sweepstakes' }).waitFor();
      const id = Number(page.url().split('/').pop());
      const saved = (await admin('GET', `/smartlinks/${id}`)).body;
      expect(saved).toMatchObject({
        name: 'Sweepstakes',
        fallbackUrl: 'https://fallback.example/?c={click_id}',
        autoOptimize: false,
        rules: [
          {
            name: 'Desktop',
            match: { devices: ['desktop'] },
            offers: [{ offerId: ids['Desktop offer'], weight: 1 }],
          },
          { name: 'US iPhone', match: { countries: ['US'], os: ['ios'] }, offers: [{ offerId: ids.offer }] },
          {
            name: 'Android',
            match: { os: ['android'] },
            offers: [
              { offerId: ids['Android app'], weight: 3 },
              { offerId: ids['Desktop offer'], weight: 1 },
            ],
          },
        ],
      });
      await screen('SmartLink: Sweepstakes');

      // The tester, on the server's resolver.
      const result = page.getByRole('status').filter({ hasText: /rule|fallback/ });
      await page.getByLabel('Visitor country').fill('US');
      await page.getByLabel('Visitor device').selectOption('mobile');
      await page.getByLabel('Visitor OS').fill('iOS');
      await page.getByRole('button', { name: 'Find the offer' }).click();
      await result.getByText('Puzzle game install').waitFor();
      await expect(result.textContent()).resolves.toContain('by rule “US iPhone”');
      await page.getByLabel('Visitor country').fill('DE');
      await page.getByLabel('Visitor OS').fill('Android');
      await page.getByRole('button', { name: 'Find the offer' }).click();
      await result.getByText('Android app 75.0 %, Desktop offer 25.0 %', { exact: false }).waitFor();
      await page.getByLabel('Visitor device').selectOption('');
      await page.getByLabel('Visitor OS').fill('Windows');
      await page.getByRole('button', { name: 'Find the offer' }).click();
      await result.getByText('fallback URL').waitFor();
      await expectNoSeriousA11yViolations(page, 'SmartLink tester');

      // A tracking link to it; an Android click lands where the tester said.
      await page.getByLabel('Publisher', { exact: true }).selectOption(String(ids.publisher));
      await page.getByRole('button', { name: 'Create tracking link' }).click();
      const url = (await page.locator('code').filter({ hasText: '/c/' }).textContent()) ?? '';
      // The link shows the configured public URL; the test app answers on its own port.
      const click = await fetch(`${app.url}${new URL(url).pathname}`, {
        redirect: 'manual',
        headers: { 'user-agent': ANDROID_UA },
      });
      expect(click.status).toBe(302);
      const location = new URL(click.headers.get('location') ?? '');
      expect(location.pathname).toBe('/android');
      expect(location.searchParams.get('sl')).toBe(String(id));

      // Editing keeps rule ids: a reorder saved twice numbers nothing anew.
      await page.getByRole('button', { name: 'Move rule 3 up' }).click();
      await page.getByRole('button', { name: 'Save SmartLink' }).click();
      await page.getByText('SmartLink saved.', { exact: false }).waitFor();
      await page.getByRole('button', { name: 'Save SmartLink' }).click();
      await page.getByText('SmartLink saved.', { exact: false }).waitFor();
      // At phone width the editor scrolls its tables, not the page.
      await page.setViewportSize({ width: 390, height: 844 });
      await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(
        390,
      );
      await page.setViewportSize({ width: 1440, height: 900 });
      const reordered = (await admin('GET', `/smartlinks/${id}`)).body;
      expect(reordered.rules.map((r: { name: string }) => r.name)).toEqual([
        'Desktop',
        'Android',
        'US iPhone',
      ]);
      expect(reordered.rules.map((r: { id: number }) => r.id).sort()).toEqual(
        saved.rules.map((r: { id: number }) => r.id).sort(),
      );
      // The publisher's links say which SmartLink routes them.
      await page.goto(`${app.url}/links?publisherId=${ids.publisher}`);
      await page.getByText(`SmartLink #${id} (fallback: Desktop offer)`).waitFor();
    },
    JOURNEY_MS,
  );
});
