// The advertiser page's network settings in real Chromium, on both stores: the slug, a preset
// picked from the list, an override in the parameter table, the signing secret a signing network
// asks for, and the ready-to-copy /postback?network=… URL with the mapped names, which works.
import { expect, it } from 'vitest';
import { describeDashboard, JOURNEY_MS } from '../support/dashboard.ts';
import { clickRow } from '../support/rows.ts';

describeDashboard('advertiser network settings in Chromium', { signedIn: true }, (d) => {
  it(
    'picks a preset, overrides a name and copies the network postback URL that then records a conversion',
    async () => {
      const { page, app, admin, ids, screen } = d();
      await page.goto(`${app.url}/advertisers/${ids.advertiser}`);
      await screen('Acme Ads');
      await page.getByText('Give this advertiser a network slug').waitFor();

      await page.getByLabel('Network slug').fill('Rev Boost');
      await page.getByText('Use lowercase letters, digits and dashes').waitFor();
      await page.getByLabel('Network slug').fill('revboost');
      await page.getByLabel('Preset').selectOption({ label: 'Everflow' });
      const table = page.getByRole('region', { name: 'Parameter names' });
      await expect(
        table
          .getByRole('row', { name: /Click id/ })
          .getByRole('cell')
          .first()
          .textContent(),
      ).resolves.toBe('transaction_id');
      await page.getByLabel('Their parameter name for goal').fill('Event_Code');
      await page.getByRole('button', { name: 'Save advertiser' }).click();

      await page.getByText(/\/postback\?network=revboost&/).waitFor();
      await screen('Acme Ads');
      const saved = (await admin('GET', `/advertisers/${ids.advertiser}`)).body;
      expect(saved).toMatchObject({
        network: 'revboost',
        preset: 'everflow',
        parameterMap: { goal: 'event_code' },
      });
      expect(saved.networkPostbackUrl).toContain('transaction_id={transaction_id}');
      expect(saved.networkPostbackUrl).toContain('event_code={event_code}');
      await page.getByRole('button', { name: 'Copy network postback URL' }).click();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied).toBe(saved.networkPostbackUrl);

      // The copied URL, filled in as the network would, records the conversion.
      const click = clickRow({
        link_id: ids.link,
        offer_id: ids.offer,
        publisher_id: ids.publisher,
        advertiser_id: ids.advertiser,
        created_at: Date.now(),
      });
      await app.ctx.store.db.insertInto('clicks').values(click).execute();
      const filled = copied
        .replace(app.ctx.config.publicUrl, app.url)
        .replace('{transaction_id}', click.id)
        .replace('{order_id}', 'ORD-1')
        .replace('{payout}', '3.5')
        .replace('{amount}', '40')
        .replace('{status}', 'approved')
        .replace('{event_code}', 'purchase')
        .replace(/&[a-z_]+=\{[a-z_]+\}/g, '');
      const answer = await (await fetch(filled)).json();
      expect(answer).toMatchObject({ result: 'accepted', code: 'conversion_created' });
    },
    JOURNEY_MS,
  );

  it(
    'asks for the signing secret only for a signing network, and never shows it back',
    async () => {
      const { page, admin, ids } = d();
      await page.getByLabel('Preset').selectOption({ label: 'Tapjoy' });
      await page.getByLabel('Signing secret').fill('tapjoy-secret-key');
      await page.getByRole('button', { name: 'Save advertiser' }).click();
      await page.getByText(/Set\. Tapjoy signs its callbacks/).waitFor();
      await expect(page.getByLabel('Signing secret').inputValue()).resolves.toBe('');
      const saved = (await admin('GET', `/advertisers/${ids.advertiser}`)).body;
      expect(saved).toMatchObject({ preset: 'tapjoy', signatureSecretSet: true });
      await page.getByLabel('Preset').selectOption({ label: 'Voluum' });
      await expect(page.getByLabel('Signing secret').count()).resolves.toBe(0);
    },
    JOURNEY_MS,
  );
});
