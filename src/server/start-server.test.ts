// Two real nodes on one PostgreSQL: both ready, both scrapeable on their metrics port, and the
// alert job — run by whichever node takes its lease — sends each transition once.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSlackReceiver } from '../../test/support/alert-receivers.ts';
import { testConfig } from '../../test/support/app.ts';
import { createCatalog } from '../../test/support/fixtures.ts';
import { insertTestPostback } from '../../test/support/postback-rows.ts';
import { describePostgres } from '../../test/support/stores.ts';
import { createAlertChannel } from '../alerts/alert-channel.service.ts';
import { ALERTS_JOB } from '../alerts/alert-evaluator.ts';
import { createAlertRule } from '../alerts/alert-rule.service.ts';
import { type RunningServer, startServer } from './start-server.ts';

describePostgres('two nodes on one store', (current) => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tw-nodes-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('are ready, serve /metrics on their own port, and send an alert once between them', async () => {
    const db = current().store.db;
    const slack = await startSlackReceiver();
    const catalog = await createCatalog(db);
    const postback = await insertTestPostback(db, Number(catalog.publisher.id), { state: 'disabled' });
    const channel = await createAlertChannel(db, { kind: 'slack', name: 'ops', url: slack.url }, Date.now());
    // Made two minutes ago, so its first window is behind it and it may fire at once.
    await createAlertRule(
      db,
      {
        name: 'Two nodes',
        kind: 'endpoint_disabled',
        target: { type: 'postback', id: Number(postback.id) },
        windowMinutes: 1,
        channelIds: [channel.channel.id],
      },
      Date.now() - 2 * 60_000,
    );
    const config = testConfig({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      databaseUrl: current().databaseUrl,
      metricsPort: 0,
      alertsEvaluateEveryMs: 300,
      workerPollMs: 100,
    });
    const log = pino({ level: 'silent' });
    const nodes: RunningServer[] = [];
    try {
      for (let i = 0; i < 2; i++) nodes.push(await startServer(config, log));
      for (const node of nodes) {
        await expect.poll(async () => (await fetch(`${node.address}/readyz`)).status).toBe(200);
        const metricsUrl = `http://127.0.0.1:${node.metricsPort}/metrics`;
        const scrape = await fetch(metricsUrl);
        expect(scrape.status).toBe(200);
        expect(await scrape.text()).toContain('# TYPE trackwire_clicks_total counter');
      }
      await expect.poll(() => slack.received.length, { timeout: 10_000 }).toBe(1);
      // Several more evaluation rounds on both nodes: still one message, one history row.
      const rounds = async () =>
        Number(
          (
            await db
              .selectFrom('job_leases')
              .select('last_finished_at')
              .where('name', '=', ALERTS_JOB)
              .executeTakeFirst()
          )?.last_finished_at,
        );
      const after = await rounds();
      await expect.poll(rounds, { timeout: 10_000 }).toBeGreaterThan(after + 600);
      expect(slack.received).toHaveLength(1);
      expect(String(slack.received[0].body.text)).toContain('ALERT: Two nodes');
      const events = await db.selectFrom('alert_events').select('transition').execute();
      expect(events).toEqual([{ transition: 'fired' }]);
    } finally {
      for (const node of nodes) await node.close();
      await slack.close();
    }
  });
});
