// The cap editor on an offer's page in real Chromium, on both stores: a publisher's cap with a
// fallback URL for clicks over it, shown capped out here and in the offers list, a real click sent to
// the fallback, then edited to keep clicks on the offer, and deleted.
import { expect, it } from 'vitest';
import { describeDashboard, JOURNEY_MS } from '../support/dashboard.ts';

describeDashboard('dashboard cap editor in Chromium', { signedIn: true }, (d) => {
  it(
    'adds a cap with a click fallback, shows it capped out, edits and deletes it',
    async () => {
      const { page, app, admin, ids, receiver, screen } = d();
      const click = async () => {
        // The editor's change refreshed this node's reached caps; wait for that read to land.
        await app.ctx.reachedCaps?.refresh();
        const res = await fetch(`${app.url}/c/puzzle-mb1`, { redirect: 'manual' });
        return new URL(res.headers.get('location') ?? '');
      };
      await page.goto(`${app.url}/offers/${ids.offer}`);
      await screen('Puzzle game install');
      const form = page.getByRole('form', { name: 'New cap' });
      await form.getByLabel('Traffic').selectOption(String(ids.publisher));
      await form.getByLabel('Period').selectOption('day');
      // A limit of 0 is reached at once: no conversion needed to see the click behaviour.
      await form.getByLabel('Limit').fill('0');
      await form.getByLabel('Conversions over the cap').selectOption('reject');
      await expect(form.getByLabel('Fallback URL', { exact: true }).count()).resolves.toBe(0);
      await form.getByLabel('Clicks over the cap').selectOption('fallback');
      await form.getByLabel('Fallback URL', { exact: true }).fill('https://fallback.example/?c={click_id}');
      await form.getByRole('button', { name: 'Add cap' }).click();
      await page.getByText('Cap saved.').waitFor();
      const [cap] = (await admin('GET', `/offers/${ids.offer}/caps`)).body.data;
      expect(cap).toMatchObject({
        publisherId: ids.publisher,
        period: 'day',
        limit: 0,
        overAction: 'reject',
        clickAction: 'fallback',
        fallbackUrl: 'https://fallback.example/?c={click_id}',
        reached: true,
      });
      const caps = page.getByRole('region', { name: 'Cap list' });
      await caps.getByText('Capped out').waitFor();
      await caps.getByRole('cell', { name: 'Media Buyer One' }).waitFor();
      await screen('Puzzle game install');
      expect((await click()).host).toBe('fallback.example');

      // The offers list says so too.
      await page.getByRole('link', { name: 'Offers', exact: true }).click();
      await screen('Offers');
      await page.getByText('capped for some publishers').waitFor();

      // Edited: clicks keep going to the offer.
      await page.getByRole('link', { name: 'Puzzle game install' }).click();
      await page.getByRole('button', { name: `Edit cap ${cap.id}` }).click();
      const edit = page.getByRole('form', { name: `Edit cap ${cap.id}` });
      await expect(edit.getByLabel('Fallback URL', { exact: true }).inputValue()).resolves.toBe(
        'https://fallback.example/?c={click_id}',
      );
      await edit.getByLabel('Clicks over the cap').selectOption('offer');
      await edit.getByRole('button', { name: 'Save cap' }).click();
      await page.getByRole('form', { name: 'New cap' }).waitFor();
      expect((await admin('GET', `/offers/${ids.offer}/caps`)).body.data[0]).toMatchObject({
        clickAction: 'offer',
        limit: 0,
      });
      await caps.getByText('Sent to the offer').waitFor();
      expect(`${(await click()).origin}`).toBe(receiver.url);

      // At phone width the caps table scrolls, not the page.
      await page.setViewportSize({ width: 390, height: 844 });
      await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(
        390,
      );
      await page.setViewportSize({ width: 1440, height: 900 });

      await page.getByRole('button', { name: `Delete cap ${cap.id}` }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Delete cap' }).click();
      await page.getByText('No caps: conversions and clicks are not limited.').waitFor();
      expect((await admin('GET', `/offers/${ids.offer}/caps`)).body.data).toEqual([]);
    },
    JOURNEY_MS,
  );
});
