// The Reports screen in real Chromium, on both stores: build a report, change its grouping and time
// zone (state in the URL), export the table as CSV and compare it with the API's answer.
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { seedConversion } from '../support/activity-rows.ts';
import { describeDashboard, JOURNEY_MS } from '../support/dashboard.ts';

const dayIn = (tz: string, ms: number) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(ms);

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

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export CSV' }).click(),
      ]);
      const csv = (await readFile(await download.path(), 'utf8')).split('\n').map((l) => l.split(','));

      const now = Date.now();
      const to = dayIn('Asia/Kathmandu', now);
      const from = dayIn('Asia/Kathmandu', Date.parse(`${to}T12:00:00Z`) - 6 * 86_400_000);
      const api = await admin('GET', `/reports?from=${from}&to=${to}&tz=Asia/Kathmandu&groupBy=offer,device`);
      expect(api.status).toBe(200);
      const header = csv[0];
      expect(header.slice(0, 4)).toEqual(['Offer', 'Device', 'Clicks', 'Unique clicks']);
      expect(header).toContain('Profit');
      const col = (name: string) => header.indexOf(name);
      expect(csv).toHaveLength(api.body.rows.length + 2);
      api.body.rows.forEach((row: Record<string, number | string | null>, i: number) => {
        const line = csv[i + 1];
        expect(line[col('Offer')]).toBe(String(row.offerId));
        expect(line[col('Device')]).toBe(row.device ?? '');
        expect(line[col('Clicks')]).toBe(String(row.clicks));
        expect(line[col('Unique clicks')]).toBe(String(row.uniqueClicks));
        expect(line[col('Approved')]).toBe(String(row.approved));
        expect(line[col('Revenue')]).toBe((row.revenue as number).toFixed(2));
      });
      const total = csv[csv.length - 1];
      expect(total[0]).toBe('Total');
      expect(total[col('Clicks')]).toBe(String(api.body.summary.clicks));
      expect(api.body.summary).toMatchObject({ clicks: 3, uniqueClicks: 2, approved: 1, revenue: 3.5 });

      // The report is in the URL: opening it afresh shows the same table.
      await page.goto(page.url());
      await table.getByRole('columnheader', { name: 'Device' }).waitFor();
      expect(await page.getByLabel('Group by 2').inputValue()).toBe('device');
    },
    JOURNEY_MS,
  );
});
