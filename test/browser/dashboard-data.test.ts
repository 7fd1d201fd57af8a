// The data screens in real Chromium, on both stores: a discrepancy check uploaded with its
// progress bar, mapped, reported and acted on; retention settings; the audit log; a visitor's
// data found, exported and erased.
import { expect, it } from 'vitest';
import { seedClick, seedConversion } from '../support/activity-rows.ts';
import { describeDashboard, JOURNEY_MS } from '../support/dashboard.ts';

describeDashboard('dashboard data journeys in Chromium', { signedIn: true }, (d) => {
  it(
    'checks an export against our conversions and creates the missing one',
    async () => {
      const { page, app, ids, screen } = d();
      const db = app.ctx.store.db;
      const link = {
        linkId: ids.link,
        offerId: ids.offer,
        publisherId: ids.publisher,
        advertiserId: ids.advertiser,
      };
      const t0 = Date.now() - 60_000;
      const day = new Date(t0).toISOString().slice(0, 10);
      const clicks = [
        await seedClick(db, link, t0),
        await seedClick(db, link, t0 + 1000),
        await seedClick(db, link, t0 + 2000),
      ];
      await seedConversion(db, clicks[0], { status: 'approved', revenue: 3.5, txn_id: 'N0' });
      await seedConversion(db, clicks[1], { status: 'approved', revenue: 3.5, txn_id: 'N1' });
      const unix = Math.floor(t0 / 1000);
      const csv = [
        'conversion_id,sub1,unix_timestamp,status,payout',
        `N0,${clicks[0].id},${unix},approved,3.50`,
        `N1,${clicks[1].id},${unix},rejected,3.50`,
        `N2,${clicks[2].id},${unix},approved,3.50`,
      ].join('\n');

      await page.getByRole('link', { name: 'Discrepancy check' }).click();
      await screen('Discrepancy check');
      await page.getByLabel('Advertiser', { exact: true }).selectOption(String(ids.advertiser));
      await page
        .getByLabel('Conversion export (CSV)')
        .setInputFiles({ name: 'everflow.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      // The header was read and the preset recognised: the columns are mapped already.
      await page.getByRole('group', { name: 'Columns' }).waitFor();
      await expect(page.getByLabel('Export format').inputValue()).resolves.toBe('everflow');
      await expect(page.getByLabel('Our click id (sub id column)').inputValue()).resolves.toBe('sub1');
      await page.getByLabel('Save mapping as preset (optional)').fill('Weekly Everflow');
      await page.getByLabel('From (day)').fill(day);
      await page.getByLabel('To (day)').fill(day);
      // Hold the upload until the progress bar has been seen.
      let release: () => void = () => {};
      const held = new Promise<void>((r) => {
        release = r;
      });
      await page.route(/\/api\/v1\/reconciliations\?/, async (route) => {
        await held;
        await route.continue();
      });
      await page.getByRole('button', { name: 'Check export' }).click();
      await page.getByRole('progressbar', { name: 'Upload progress' }).waitFor();
      release();
      await page.getByRole('heading', { name: `Report: 3 rows, ${day} to ${day} (UTC, USD)` }).waitFor();
      await page.unroute(/\/api\/v1\/reconciliations\?/);
      await screen('Discrepancy check');
      const days = page.getByRole('table', { name: 'Per day and offer' });
      await expect(days.getByRole('row').nth(1).textContent()).resolves.toContain(
        `${day}${ids.offer}23+50 %`,
      );
      const findings = page.getByRole('table', { name: 'Findings' });
      await findings.getByRole('cell', { name: 'Missing on our side' }).waitFor();
      await findings.getByRole('cell', { name: 'Status differs' }).waitFor();

      await page.getByRole('button', { name: 'Create missing conversions' }).click();
      await page.getByRole('status').filter({ hasText: 'Created 1 of 1.' }).waitFor();
      const created = await db
        .selectFrom('conversions')
        .select(['txn_id', 'status'])
        .where('click_id', '=', clicks[2].id)
        .execute();
      expect(created).toEqual([{ txn_id: 'N2', status: 'approved' }]);
      await page.getByRole('button', { name: 'Accept their status' }).click();
      await page.getByRole('status').filter({ hasText: 'Accepted 1 of 1.' }).waitFor();
      const moved = await db
        .selectFrom('conversions')
        .select('status')
        .where('click_id', '=', clicks[1].id)
        .executeTakeFirstOrThrow();
      expect(moved.status).toBe('rejected');
    },
    JOURNEY_MS,
  );

  it(
    'sets retention, reads the audit log, and exports then erases a visitor',
    async () => {
      const { page, app, ids, screen } = d();
      await page.getByRole('link', { name: 'Retention' }).click();
      await screen('Retention');
      await page.getByLabel('Anonymise clicks after (days)').fill('90');
      await page.getByLabel('Delete log bodies after (days)').fill('30');
      await page.getByRole('button', { name: 'Save retention' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      const saved = await app.ctx.store.db
        .selectFrom('retention_settings')
        .selectAll()
        .executeTakeFirstOrThrow();
      expect(saved).toMatchObject({ anonymize_after_days: 90, purge_bodies_after_days: 30 });

      await page.getByRole('link', { name: 'Audit log' }).click();
      await screen('Audit log');
      const log = page.getByRole('table', { name: 'Changes, newest first' });
      await log.getByRole('cell', { name: 'PATCH /api/v1/retention' }).waitFor();
      await expect(log.textContent()).resolves.toContain('(admin, dashboard)');

      const link = {
        linkId: ids.link,
        offerId: ids.offer,
        publisherId: ids.publisher,
        advertiserId: ids.advertiser,
      };
      const click = await seedClick(app.ctx.store.db, link, Date.now() - 1000, { ip: '192.0.2.77' });
      await seedConversion(app.ctx.store.db, click);
      await page.getByRole('link', { name: 'Visitor data' }).click();
      await screen('Visitor data');
      await page.getByLabel('Find by').selectOption('ip');
      await page.getByLabel('IP address').fill('192.0.2.77');
      await page.getByRole('button', { name: 'Find visitor data' }).click();
      await page.getByRole('status').filter({ hasText: '1 clicks, 1 conversions found.' }).waitFor();
      await page.getByRole('link', { name: 'Download export (JSON)' }).waitFor();
      await page.getByRole('button', { name: "Delete this visitor's data" }).click();
      await page.getByRole('button', { name: 'Delete for good' }).click();
      await page.getByRole('status').filter({ hasText: 'Deleted 1 clicks and 1 conversions.' }).waitFor();
      const left = await app.ctx.store.db
        .selectFrom('clicks')
        .select('id')
        .where('id', '=', click.id)
        .execute();
      expect(left).toEqual([]);
    },
    JOURNEY_MS,
  );
});
