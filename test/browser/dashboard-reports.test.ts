// The Reports screen in real Chromium, on both stores: build a report, change its grouping and time
// zone (state in the URL), export the table as CSV and compare it with the API's answer.
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { seedConversion } from '../support/activity-rows.ts';
import { describeDashboard, JOURNEY_MS, openInvitedUser } from '../support/dashboard.ts';
import { localDay } from '../support/local-day.ts';

describeDashboard('the Reports screen in Chromium', { signedIn: true }, (d) => {
  it(
    'builds a report, regroups it, moves it to Asia/Kathmandu and exports what the table shows',
    async () => {
      const { page, app, admin, ids, screen } = d();
      // Three clicks through the tracking link, one of them converted and approved.
      for (const agent of ['Mozilla/5.0 (iPhone)', 'Mozilla/5.0 (Windows NT 10.0)', 'Mozilla/5.0 (iPhone)']) {
        const res = await fetch(`${app.url}/c/puzzle-mb1`, {
          redirect: 'manual',
          headers: { 'user-agent': agent },
        });
        expect(res.status).toBe(302);
      }
      const db = app.ctx.store.db;
      const click = await db
        .selectFrom('clicks')
        .selectAll()
        .where('link_id', '=', ids.link)
        .executeTakeFirstOrThrow();
      await seedConversion(db, click, {
        status: 'approved',
        payout: 2,
        revenue: 3.5,
        created_at: Date.now(),
      });

      await page.getByRole('link', { name: 'Reports' }).click();
      await screen('Reports');
      const table = page.getByRole('table', { name: 'Report breakdown' });
      await table.getByRole('row').first().waitFor();
      await page.getByRole('table', { name: /Clicks and conversions by day: data/ }).waitFor();

      await page.getByLabel('Group by 1').selectOption('offer');
      await page.getByLabel('Group by 2').selectOption('device');
      const zone = page.getByLabel('Time zone');
      await zone.fill('Asia/Kathmandu');
      await zone.press('Enter');
      await page.waitForURL(/tz=Asia%2FKathmandu/);
      expect(page.url()).toMatch(/groupBy=offer%2Cdevice/);
      await table.getByRole('columnheader', { name: 'Device' }).waitFor();
      await expect(table.getByRole('row').count()).resolves.toBeGreaterThan(2);
      // The table names the offer rather than showing its id.
      await table.getByRole('cell', { name: 'Puzzle game install' }).first().waitFor();

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export CSV' }).click(),
      ]);
      const csv = (await readFile(await download.path(), 'utf8')).split('\n').map((l) => l.split(','));

      const now = Date.now();
      const to = localDay('Asia/Kathmandu', now);
      const from = localDay('Asia/Kathmandu', Date.parse(`${to}T12:00:00Z`) - 6 * 86_400_000);
      const api = await admin('GET', `/reports?from=${from}&to=${to}&tz=Asia/Kathmandu&groupBy=offer,device`);
      expect(api.status).toBe(200);
      const header = csv[0];
      // The CSV's money is plain numbers, so it always names their currency.
      expect(header.slice(0, 5)).toEqual(['Offer id', 'Offer', 'Device', 'Currency', 'Clicks']);
      expect(header).toContain('Profit');
      const col = (name: string) => header.indexOf(name);
      expect(csv).toHaveLength(api.body.rows.length + 2);
      api.body.rows.forEach((row: Record<string, number | string | null>, i: number) => {
        const line = csv[i + 1];
        expect(line[col('Offer id')]).toBe(String(row.offerId));
        expect(line[col('Offer')]).toBe(
          row.offerId === ids.offer ? 'Puzzle game install' : `#${row.offerId}`,
        );
        expect(line[col('Device')]).toBe(row.device ?? '');
        expect(line[col('Currency')]).toBe(row.currency);
        expect(line[col('Clicks')]).toBe(String(row.clicks));
        expect(line[col('Unique clicks')]).toBe(String(row.uniqueClicks));
        expect(line[col('Approved')]).toBe(String(row.approved));
        expect(line[col('Revenue')]).toBe((row.revenue as number).toFixed(2));
      });
      const total = csv[csv.length - 1];
      expect(total[0]).toBe(`Total ${api.body.summary.currency}`);
      expect(total[col('Clicks')]).toBe(String(api.body.summary.clicks));
      expect(api.body.summary).toMatchObject({
        clicks: 3,
        uniqueClicks: 2,
        approved: 1,
        revenue: 3.5,
        currency: 'USD',
      });

      // The report is in the URL: opening it afresh shows the same table.
      await page.goto(page.url());
      await table.getByRole('columnheader', { name: 'Device' }).waitFor();
      expect(await page.getByLabel('Group by 2').inputValue()).toBe('device');
    },
    JOURNEY_MS,
  );

  it(
    'filters by several conditions picked by name, kept in the URL and equal to the API',
    async () => {
      const { page, app, admin, ids, screen } = d();
      const other = await admin('POST', '/offers', {
        advertiserId: ids.advertiser,
        name: 'Casino signup',
        url: `${app.url}/landing`,
        payout: 1,
        revenue: 2,
      });
      const link = await admin('POST', '/links', {
        offerId: other.body.id,
        publisherId: ids.otherPublisher,
        slug: 'casino-op',
      });
      expect(link.status).toBe(201);
      for (const [slug, sub1] of [
        ['puzzle-mb1', 'fb'],
        ['puzzle-mb1', 'tt'],
        ['casino-op', 'fb'],
      ]) {
        const res = await fetch(`${app.url}/c/${slug}?sub1=${sub1}`, {
          redirect: 'manual',
          headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0)' },
        });
        expect(res.status).toBe(302);
      }

      await page.goto(`${app.url}/reports?groupBy=offer,publisher&tz=UTC`);
      await screen('Reports');
      const table = page.getByRole('table', { name: 'Report breakdown' });
      await table.getByRole('cell', { name: 'Casino signup' }).waitFor();
      await table.getByRole('cell', { name: 'Other Publisher' }).waitFor();

      // Only where Offer is one of Puzzle game install, Casino signup; except where Sub ID 1 is tt;
      // only where Publisher is Media Buyer One or Other Publisher.
      const adder = page.getByRole('group', { name: 'Add a condition' });
      await adder.getByLabel('Dimension').selectOption('offer');
      await adder.getByLabel('Values').fill('Puzzle game install, casino signup');
      await adder.getByLabel('Values').press('Enter');
      await page.waitForURL(new RegExp(`filter.offer=${ids.offer}%2C${other.body.id}`));
      await adder.getByLabel('Condition').selectOption('exclude');
      await adder.getByLabel('Dimension').selectOption('sub1');
      await adder.getByLabel('Values').fill('tt');
      await adder.getByLabel('Values').press('Enter');
      await page.waitForURL(/exclude.sub1=tt/);
      await adder.getByLabel('Condition').selectOption('filter');
      await adder.getByLabel('Dimension').selectOption('publisher');
      await adder.getByLabel('Values').fill('Media Buyer One');
      await adder.getByLabel('Values').press('Enter');
      const publishers = page.getByRole('group', { name: 'Publisher is one of' });
      await publishers.getByLabel('Add to Publisher is one of').fill('Other Publisher');
      await publishers.getByLabel('Add to Publisher is one of').press('Enter');
      await page.waitForURL(new RegExp(`filter.publisher=${ids.publisher}%2C${ids.otherPublisher}`));
      const offers = page.getByRole('group', { name: 'Offer is one of' });
      await offers.getByText('Casino signup').waitFor();
      await page.getByRole('group', { name: 'Sub ID 1 is not one of' }).getByText('tt').waitFor();

      const today = new Date().toISOString().slice(0, 10);
      const from = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
      const apiTotal = async (filters: string) => {
        const api = await admin(
          'GET',
          `/reports?from=${from}&to=${today}&tz=UTC&groupBy=offer,publisher${filters}`,
        );
        expect(api.status).toBe(200);
        return api.body.summary.clicks as number;
      };
      const footerClicks = async (expected: number) => {
        const total = table.locator('tfoot tr').first();
        await total.getByRole('rowheader', { name: 'Total' }).waitFor();
        const headers = await table.locator('thead th').allTextContents();
        await expect
          .poll(async () => (await total.locator('th').nth(headers.indexOf('Clicks')).textContent()) ?? '')
          .toBe(String(expected));
      };
      const filtered = await apiTotal(
        `&filter.offer=${ids.offer},${other.body.id}&exclude.sub1=tt&filter.publisher=${ids.publisher},${ids.otherPublisher}`,
      );
      const everything = await apiTotal('');
      expect(filtered).toBeLessThan(everything);
      await footerClicks(filtered);

      // Removing one value of a condition, then a whole condition, follows in the URL and the table.
      await offers.getByRole('button', { name: 'Remove Casino signup from Offer is one of' }).click();
      await page.waitForURL(new RegExp(`filter.offer=${ids.offer}(&|$)`));
      await page
        .getByRole('group', { name: 'Sub ID 1 is not one of' })
        .getByRole('button', { name: 'Remove condition' })
        .click();
      await expect.poll(() => page.url()).not.toMatch(/exclude.sub1/);
      await footerClicks(
        await apiTotal(`&filter.offer=${ids.offer}&filter.publisher=${ids.publisher},${ids.otherPublisher}`),
      );

      // The bookmark opens the same report with its conditions.
      await page.goto(page.url());
      await page.getByRole('group', { name: 'Offer is one of' }).getByText('Puzzle game install').waitFor();
      await page.getByRole('group', { name: 'Publisher is one of' }).getByText('Other Publisher').waitFor();
      await expect(page.getByRole('group', { name: 'Sub ID 1 is not one of' }).count()).resolves.toBe(0);
    },
    JOURNEY_MS,
  );

  it(
    'names for an advertiser user only what it may read: its offers by name, publishers as #id',
    async () => {
      const { app, ids } = d();
      const {
        context,
        page: adv,
        errors,
      } = await openInvitedUser(d(), {
        email: 'reports-adv@example.com',
        role: 'advertiser',
        advertiserId: ids.advertiser,
      });
      try {
        await adv.goto(`${app.url}/reports?groupBy=offer,publisher&tz=UTC`);
        const table = adv.getByRole('table', { name: 'Report breakdown' });
        const row = table.locator('tbody tr').filter({ hasText: 'Puzzle game install' }).first();
        await row.getByRole('cell', { name: `#${ids.publisher}`, exact: true }).waitFor();
        // No request for a list the role may not read: no refused call in the console.
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    },
    JOURNEY_MS,
  );
});
