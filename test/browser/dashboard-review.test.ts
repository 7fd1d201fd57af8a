// The review queue and rewards lookup in real Chromium, on both stores: a conversion held by an
// inbound rule shows with its reason code, is approved from the screen with a reason, and the API
// then reads it approved; a queue longer than a page loads more and decides a selection spanning
// pages; a rewards user is looked up to its balance and (empty) ledger; a publisher's
// rewards settings are saved from its page and read back from the API.
import { expect, it } from 'vitest';
import { seedClick, seedConversion } from '../support/activity-rows.ts';
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
    'pages a queue of 130 held conversions and rejects a selection spanning two pages',
    async () => {
      const { page, app, admin, ids, screen } = d();
      const db = app.ctx.store.db;
      const link = {
        linkId: ids.link,
        offerId: ids.offer,
        publisherId: ids.publisher,
        advertiserId: ids.advertiser,
      };
      const now = Date.now();
      const held: string[] = [];
      for (let i = 0; i < 130; i++) {
        const click = await seedClick(db, link, now - (i + 1) * 60_000);
        held.push(
          (await seedConversion(db, click, { needs_review: 1, review_reason: 'rule:bulk_check' })).id,
        );
      }
      // held[0] is the newest; the first page holds held[0..99], the second held[100..129].
      await page.goto(`${app.url}/review`);
      await screen('Review queue');
      const table = page.getByRole('table', { name: 'Held conversions' });
      await page.getByText('130 held conversion(s); 100 loaded, 0 selected.').waitFor();
      await expect(table.locator('tbody tr').count()).resolves.toBe(100);
      await page.getByRole('checkbox', { name: 'Select all loaded' }).check();
      await page.getByText('100 loaded, 100 selected.').waitFor();
      await page.getByRole('button', { name: 'Load 100 more' }).click();
      await page.getByText('130 loaded, 100 selected.').waitFor();
      await expect(page.getByRole('button', { name: 'Load 100 more' }).count()).resolves.toBe(0);
      await table.getByRole('checkbox', { name: `Select ${held[129]}` }).check();
      // Offer and publisher show by name.
      await table
        .getByRole('row')
        .filter({ hasText: `txn-${held[129]}` })
        .getByText('Media Buyer One')
        .waitFor();
      await page.getByLabel('Reason').fill('bulk check failed');
      await page.getByRole('button', { name: 'Reject 101' }).click();
      await page.getByRole('status').filter({ hasText: '101 conversion(s) decided' }).waitFor();
      await page.getByText('29 held conversion(s); 29 loaded, 0 selected.').waitFor();

      const queue = await admin('GET', '/conversions/review?limit=500');
      expect(queue.body.total).toBe(29);
      expect(queue.body.data.map((c: { id: string }) => c.id)).toEqual(held.slice(100, 129));
      for (const id of [held[0], held[99], held[129]])
        expect((await admin('GET', `/conversions/${id}`)).body.status).toBe('rejected');
      expect((await admin('GET', `/conversions/${held[100]}`)).body.status).toBe('pending');
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
