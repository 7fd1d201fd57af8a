// Alerts in real Chromium, on both stores: a Slack channel with "Send test" against a loopback
// receiver, a rule made in the form, its fire in the inbox, the rule's history and the overview.
import { expect, it } from 'vitest';
import { createChannelDeps } from '../../src/alerts/alert-channel.service.ts';
import { evaluateAlertRules } from '../../src/alerts/alert-evaluator.ts';
import { startSlackReceiver } from '../support/alert-receivers.ts';
import { describeDashboard, JOURNEY_MS } from '../support/dashboard.ts';

describeDashboard('dashboard alerts in Chromium', { signedIn: true }, (d) => {
  it(
    'adds a channel and sends a test, creates a rule, and shows what fired',
    async () => {
      const { page, app, admin, ids, screen } = d();
      const slack = await startSlackReceiver();
      try {
        await page.getByRole('link', { name: 'Alert channels' }).click();
        await screen('Alert channels');
        await page.getByLabel('Kind').selectOption('slack');
        await page.getByLabel('Channel name').fill('Ops room');
        await page.getByLabel('Webhook URL').fill(`${slack.url}/services/T1/B1/x`);
        await page.getByRole('button', { name: 'Add channel' }).click();
        await page.getByRole('cell', { name: 'Ops room', exact: true }).waitFor();
        await page.getByRole('button', { name: 'Send test to Ops room' }).click();
        const result = page.getByRole('status', { name: 'Test result' });
        await result.getByText('Delivered to Ops room (200). The receiver said:').waitFor();
        await expect(result.locator('pre').textContent()).resolves.toBe('ok');
        expect(slack.received).toHaveLength(1);
        expect(String(slack.received[0].body.text)).toContain('Trackwire test alert to "Ops room"');

        const postback = await admin('POST', '/postbacks', {
          publisherId: ids.publisher,
          url: 'https://pub.example/pb',
        });
        await page.getByRole('link', { name: 'Alerts', exact: true }).click();
        await screen('Alerts');
        await page.getByLabel('Rule name').fill('Publisher endpoint down');
        await page.getByLabel('Condition').selectOption('endpoint_disabled');
        await page.getByLabel('Target').selectOption('postback');
        await page.getByLabel('postback id').fill(String(postback.body.id));
        await page.getByLabel('Window (minutes)').fill('1');
        await page.getByLabel('Ops room').check();
        await page.getByRole('button', { name: 'Create rule' }).click();
        await page.getByRole('link', { name: 'Publisher endpoint down' }).waitFor();

        // The endpoint is disabled; the rule is evaluated once its first window has passed.
        const db = app.ctx.store.db;
        await db
          .updateTable('postbacks')
          .set({ state: 'disabled', disabled_reason: 'answered 410' })
          .where('id', '=', postback.body.id)
          .execute();
        const channels = createChannelDeps(app.ctx.config);
        await evaluateAlertRules({ db, channels, log: app.ctx.log }, Date.now() + 2 * 60_000);
        await channels.sender.close();
        expect(slack.received.map((r) => String(r.body.text).split('\n')[0])).toEqual([
          'Trackwire test alert to "Ops room"',
          'ALERT: Publisher endpoint down',
        ]);

        await page.reload();
        await screen('Alerts');
        const inbox = page.getByRole('table', { name: 'Recent alerts' });
        await inbox.getByText('disabled postback endpoints').waitFor();
        await expect(inbox.getByText('1 of 1 channels').count()).resolves.toBe(1);
        await page
          .getByRole('table', { name: 'Alert rules' })
          .getByRole('link', { name: 'Publisher endpoint down' })
          .click();
        await screen('Publisher endpoint down');
        await page.getByRole('table', { name: 'Rule history' }).getByText('fired').waitFor();
        // Changing the rule keeps its kind and its history.
        await page.getByLabel('Cooldown (minutes)').fill('15');
        await page.getByRole('button', { name: 'Save rule' }).click();
        await page.getByText('1 min · 15 min').waitFor();
        await expect(page.getByLabel('Condition').isDisabled()).resolves.toBe(true);
        // The overview says what is firing now, and leads to the rule.
        await page.getByRole('link', { name: 'Overview' }).click();
        await screen('Overview');
        await page.getByText('Firing now: Publisher endpoint down.').waitFor();
        await page.getByRole('listitem').getByRole('link', { name: 'Publisher endpoint down' }).click();
        await screen('Publisher endpoint down');
        // Deleting the rule deletes its history; the overview box goes with the last rule.
        await page.getByRole('button', { name: 'Delete rule' }).click();
        await page.getByRole('alertdialog').getByRole('button', { name: 'Delete rule' }).click();
        await screen('Alerts');
        await page.getByText('No rules yet.').waitFor();
        await page.getByText('Nothing has fired yet.').waitFor();
        await page.getByRole('link', { name: 'Overview' }).click();
        await screen('Overview');
        await page.getByRole('heading', { name: 'Latest inbound postback hits' }).waitFor();
        await expect(page.getByRole('heading', { name: 'Alerts' }).count()).resolves.toBe(0);
      } finally {
        await slack.close();
      }
    },
    JOURNEY_MS,
  );
});
