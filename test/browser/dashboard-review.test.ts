// The review queue and rewards lookup in real Chromium, on both stores: a conversion held by an
// inbound rule shows with its reason code, is approved from the screen with a reason, and the API
// then reads it approved; a rewards user is looked up to its balance and (empty) ledger; a publisher's
// rewards settings are saved from its page and read back from the API.
import { expect, it } from 'vitest';
import { describeDashboard, JOURNEY_MS } from '../support/dashboard.ts';

describeDashboard('dashboard review queue in Chromium', { signedIn: true }, (d) => {
  it(
    'approves a held conversion from the review queue',
    async () => {
      const { page, app, admin, ids, screen } = d();
      const rule = await admin('POST', '/inbound-rules', {
        scope: 'all',
        kind: 'sale_amount',
        params: { min: 10 },
        action: 'hold',
        reasonCode: 'small_order',
      });
      expect(rule.status).toBe(201);
      const click = await fetch(`${app.url}/c/puzzle-mb1`, { redirect: 'manual' });
      const clickId = new URL(click.headers.get('location') ?? '').searchParams.get('click_id') ?? '';
      expect(clickId).not.toBe('');
      const token = (await admin('GET', `/advertisers/${ids.advertiser}`)).body.postbackToken;
      const inbound = await fetch(
        `${app.url}/postback?token=${token}&click_id=${clickId}&txn_id=SMALL-1&sale_amount=4.50`,
      );
      const answer = await inbound.json();
      expect(answer).toMatchObject({ code: 'conversion_held', reason: 'small_order' });
      const conversionId: string = answer.conversionId;

      await page.getByRole('link', { name: 'Review queue' }).click();
      await screen('Review queue');
      const table = page.getByRole('table', { name: 'Held conversions' });
      const row = table.getByRole('row').filter({ hasText: 'SMALL-1' });
      await row.getByText('small_order').waitFor();
      await row.getByRole('checkbox', { name: `Select ${conversionId}` }).check();
      const approve = page.getByRole('button', { name: /^Approve/ });
      await expect(approve.isDisabled()).resolves.toBe(true); // no reason yet
      await page.getByLabel('Reason').fill('order checked by hand');
      await approve.click();
      await page.getByRole('status').filter({ hasText: '1 conversion(s) decided' }).waitFor();
      await page.getByText('No conversions are waiting for review.').waitFor();

      const after = await admin('GET', `/conversions/${conversionId}`);
      expect(after.body).toMatchObject({ id: conversionId, status: 'approved' });
      const queue = await admin('GET', '/conversions?status=pending&needsReview=true');
      expect(queue.body.data.map((c: { id: string }) => c.id)).not.toContain(conversionId);
    },
    JOURNEY_MS,
  );

  it(
    'looks up a rewards user of a publisher: balance and ledger',
    async () => {
      const { page, ids, screen } = d();
      await page.getByRole('link', { name: 'Rewards' }).click();
      await screen('Rewards');
      await page.getByLabel('Publisher').selectOption(String(ids.publisher));
      await page.getByLabel('User id').fill('player-without-points');
      await page.getByRole('button', { name: 'Look up' }).click();
      await page.getByText('No ledger entries for this user.').waitFor();
      await expect(page.getByText('Balance of').textContent()).resolves.toContain(
        'player-without-points: 0 points',
      );
      await screen('Rewards');
    },
    JOURNEY_MS,
  );

  it(
    "saves a publisher's rewards settings from its page",
    async () => {
      const { page, admin, ids, screen } = d();
      await page.goto(`${d().app.url}/publishers/${ids.publisher}`);
      const form = page.getByRole('form', { name: 'Rewards settings' });
      await form.waitFor();
      await form.getByLabel("Credit points to this publisher's users").check();
      await form.getByLabel('User id sub').selectOption('sub3');
      await form.getByLabel('Points per unit of payout').fill('10');
      await form.getByLabel('Fixed points per goal (one goal=points a line)').fill('signup=50');
      await form.getByRole('button', { name: 'Save rewards settings' }).click();
      await page.getByRole('status').filter({ hasText: 'Rewards settings saved.' }).waitFor();
      const saved = await admin('GET', `/publishers/${ids.publisher}`);
      expect(saved.body.rewards).toMatchObject({
        enabled: true,
        userSubId: 'sub3',
        pointsPerUnit: 10,
        pointsPerGoal: { signup: 50 },
      });
      await screen(saved.body.name);
    },
    JOURNEY_MS,
  );
});
