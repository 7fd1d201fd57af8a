// The postback editor's ad-platform destinations in real Chromium, on both stores: a Meta
// destination set up by label, its token shown afterwards only as "set", the event map saved.
import { expect, it } from 'vitest';
import { TEST_SECRET_KEY } from '../support/ad-platform-world.ts';
import { expectNoSeriousA11yViolations } from '../support/browser.ts';
import { describeDashboard, JOURNEY_MS } from '../support/dashboard.ts';

describeDashboard(
  'dashboard ad-platform destinations in Chromium',
  { signedIn: true, config: { secretKey: TEST_SECRET_KEY } },
  (d) => {
    it(
      'sets up a Meta destination with an event map and shows its token only as set',
      async () => {
        const { page, app, admin, ids, screen } = d();
        await page.goto(`${app.url}/postbacks/new?publisherId=${ids.publisher}`);
        await screen('New postback');
        await page.getByLabel('Publisher', { exact: true }).selectOption(String(ids.publisher));
        await page.getByLabel('Meta Conversions API').check();
        await page.getByLabel('Dataset (pixel) ID').fill('1234567890123456');
        await page.getByLabel('Access token').fill('EAAB-browser-token-QRST');
        await page.getByLabel('Platform event of row 1').fill('Purchase');
        await page.getByRole('button', { name: 'Add event' }).click();
        await page.getByLabel('Status of row 2').selectOption('reversed');
        await page.getByLabel('Platform event of row 2').fill('Refund');
        await expectNoSeriousA11yViolations(page, 'Postback editor, Meta destination');
        await page.getByRole('button', { name: 'Save postback' }).click();
        await page.getByRole('heading', { level: 1, name: /^Postback #\d+$/ }).waitFor();
        const postbackId = Number(page.url().split('/').pop());
        const saved = (await admin('GET', `/postbacks/${postbackId}`)).body;
        expect(saved).toMatchObject({
          kind: 'meta_capi',
          destination: { pixelId: '1234567890123456', accessToken: { set: true, lastFour: 'QRST' } },
          eventMap: [
            { status: 'approved', event: 'Purchase' },
            { status: 'reversed', event: 'Refund' },
          ],
        });
        await page
          .getByText('Set (ends in QRST). Leave empty to keep it; type a new one to replace it.')
          .waitFor();
        await expect(page.getByLabel('Access token').inputValue()).resolves.toBe('');
        await expect(page.content()).resolves.not.toContain('EAAB-browser-token');
      },
      JOURNEY_MS,
    );
  },
);
