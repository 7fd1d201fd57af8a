// The dashboard's set-up journeys in real Chromium, on both stores: first-run setup, sign-out and
// sign-in, advertiser, offer with goals, publishers, a tracking link with Sub IDs. Every screen passes
// axe-core (no serious or critical violation) and logs no console error.
import { expect, it } from 'vitest';
import { setupLinkBanner } from '../../src/users/setup-banner.ts';
import { expectNoSeriousA11yViolations } from '../support/browser.ts';
import { describeDashboard, JOURNEY_MS, PASSWORD } from '../support/dashboard.ts';

describeDashboard('dashboard set-up journeys in Chromium', { signedIn: false }, (d) => {
  it(
    'first-run setup: the printed link creates the first admin and signs them in',
    async () => {
      const { page, app, screen } = d();
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
      const { page, app, errors, context, screen } = d();
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
      const { page, admin, ids, screen } = d();
      await page.getByRole('link', { name: 'Advertisers' }).click();
      await screen('Advertisers');
      await page.getByRole('link', { name: 'New advertiser' }).first().click();
      await screen('New advertiser');
      await page.getByLabel('Name', { exact: true }).fill('Acme Ads');
      await page.getByLabel('IP allow-list').fill('203.0.113.0/33');
      await page.getByText('the prefix must be 0–32').waitFor();
      await page.getByLabel('IP allow-list').fill('203.0.113.0/24');
      await page.getByRole('button', { name: 'Create advertiser' }).click();
      await screen('Acme Ads');
      const advertiser = (await admin('GET', '/advertisers')).body.data.find(
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
      const { page, app, admin, ids, receiver, screen, heading } = d();
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
      const offer = (await admin('GET', `/offers/${ids.offer}`)).body;
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
      const { page, admin, ids, screen } = d();
      await page.getByRole('link', { name: 'Publishers' }).click();
      await screen('Publishers');
      for (const name of ['Media Buyer One', 'Other Publisher']) {
        await page.getByLabel('Publisher name').fill(name);
        await page.getByRole('button', { name: 'Create publisher' }).click();
        await page.getByRole('link', { name, exact: true }).first().waitFor();
      }
      const list = (await admin('GET', '/publishers')).body.data as { id: number; name: string }[];
      ids.publisher = list.find((p) => p.name === 'Media Buyer One')?.id as number;
      ids.otherPublisher = list.find((p) => p.name === 'Other Publisher')?.id as number;
      await page.getByRole('link', { name: 'Media Buyer One' }).first().click();
      await screen('Media Buyer One');
      // The security token is the one the publisher's tracker issued, or a new random one.
      const tokenOf = async () => (await admin('GET', `/publishers/${ids.publisher}`)).body.securityToken;
      await page.getByLabel('New security token').fill('tracker-issued.token');
      await page.getByRole('button', { name: 'Set security token' }).click();
      await page.getByText('Saved.').waitFor();
      expect(await tokenOf()).toBe('tracker-issued.token');
      await page.getByRole('button', { name: 'Rotate security token' }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Rotate' }).click();
      await page.getByRole('alertdialog').waitFor({ state: 'detached' });
      await expect.poll(tokenOf).not.toBe('tracker-issued.token');
    },
    JOURNEY_MS,
  );

  it(
    'makes a tracking link with sub ids that update it as you type, copies it and follows it',
    async () => {
      const { page, app, admin, ids, receiver, screen } = d();
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
      const clicks = await admin('GET', `/clicks?offerId=${ids.offer}`);
      expect(clicks.body.data[0]).toMatchObject({ sub1: 'instagram', sub2: 'story' });
    },
    JOURNEY_MS,
  );
});
