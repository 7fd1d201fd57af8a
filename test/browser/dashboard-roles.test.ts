// What publisher and advertiser users see, in real Chromium on both stores: only their own objects,
// never revenue for a publisher, no admin actions; a publisher's dashboard at 390 px.
import { expect, it } from 'vitest';
import { collectConsoleErrors, expectNoSeriousA11yViolations } from '../support/browser.ts';
import { describeDashboard, JOURNEY_MS, openInvitedUser, PASSWORD } from '../support/dashboard.ts';

describeDashboard('dashboard for publisher and advertiser users in Chromium', { signedIn: true }, (d) => {
  it(
    'a publisher user, invited by link, sees only its own objects and never revenue',
    async () => {
      const { page, app, admin, ids, browser, screen } = d();
      await admin('POST', '/links', {
        offerId: ids.offer,
        publisherId: ids.otherPublisher,
        slug: 'other-link',
      });
      const foreign = (
        await admin('POST', '/postbacks', {
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
          'Reports',
          'Rewards',
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
      const { app, admin, ids } = d();
      const other = (await admin('POST', '/advertisers', { name: 'Other Advertiser' })).body;
      const {
        context: advContext,
        page: adv,
        errors: advErrors,
      } = await openInvitedUser(d(), {
        email: 'adv@example.com',
        role: 'advertiser',
        advertiserId: ids.advertiser,
      });
      try {
        const nav = adv.getByRole('navigation', { name: 'Main' });
        await expect(nav.getByRole('link').allTextContents()).resolves.toEqual([
          ' Trackwire',
          'Overview',
          'Conversions',
          'Reports',
          'Inbound hits',
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
        // Its inbound hits, without the advertiser filter that only the network needs.
        await adv.goto(`${app.url}/inbound-hits`);
        await adv.getByRole('heading', { level: 1, name: 'Inbound hits' }).waitFor();
        await expect(adv.getByLabel('Advertiser', { exact: true }).count()).resolves.toBe(0);
        await expectNoSeriousA11yViolations(adv, 'Advertiser user, inbound hits');
        expect(advErrors).toEqual([]);
      } finally {
        await advContext.close();
      }
    },
    JOURNEY_MS,
  );
});
