// Each kind of rule fires and clears over a simulated clock against rows in the store, and each
// transition reaches every channel's loopback receiver (SMTP included) exactly once.
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type LinkRef,
  seedClick,
  seedConversion,
  seedPostbackLog,
} from '../../test/support/activity-rows.ts';
import {
  type LoopbackReceiver,
  startSlackReceiver,
  startSmtpServer,
  startTelegramApi,
  startWebhookReceiver,
} from '../../test/support/alert-receivers.ts';
import { testConfig } from '../../test/support/app.ts';
import { createCatalog } from '../../test/support/fixtures.ts';
import { seedDeliveries } from '../../test/support/receiver.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import type { Db } from '../db/database.types.ts';
import { createJobRunner } from '../jobs/job-runner.ts';
import { ManualClock } from '../shared/clock.ts';
import { closeChannelDeps, createAlertChannel, createChannelDeps } from './alert-channel.service.ts';
import { type EvaluatorDeps, evaluateAlertRules, registerAlertJob } from './alert-evaluator.ts';
import { listAlertEvents } from './alert-rule.repository.ts';
import { changeAlertRule, createAlertRule, type RuleInput } from './alert-rule.service.ts';

const MIN = 60_000;
const WEEK = 7 * 24 * 60 * MIN;
const BOT_TOKEN = '42:alert-bot-token';
const log = pino({ level: 'silent' });

describeEachStore('alert rules over a simulated clock', (current) => {
  let db: Db;
  let deps: EvaluatorDeps;
  let channelIds: number[];
  let webhook: LoopbackReceiver & { secret: string };
  let slack: LoopbackReceiver;
  let telegram: LoopbackReceiver;
  let smtp: LoopbackReceiver;
  let era = Date.UTC(2026, 2, 2, 12);

  beforeAll(async () => {
    db = current().store.db;
    [webhook, slack, telegram, smtp] = await Promise.all([
      startWebhookReceiver(),
      startSlackReceiver(),
      startTelegramApi(BOT_TOKEN),
      startSmtpServer(),
    ]);
    const config = testConfig({ smtpUrl: smtp.url, telegramApiUrl: telegram.url });
    deps = { db, channels: createChannelDeps(config), log };
    const now = Date.now();
    const hook = await createAlertChannel(db, { kind: 'webhook', name: 'hook', url: webhook.url }, now);
    webhook.secret = hook.signingSecret as string;
    const rest = await Promise.all([
      createAlertChannel(db, { kind: 'slack', name: 'slack', url: slack.url }, now),
      createAlertChannel(db, { kind: 'telegram', name: 'tg', botToken: BOT_TOKEN, chatId: '-77' }, now),
      createAlertChannel(db, { kind: 'email', name: 'mail', to: 'oncall@example.com' }, now),
    ]);
    channelIds = [hook.channel.id, ...rest.map((r) => r.channel.id)];
  });
  afterAll(async () => {
    await closeChannelDeps(deps.channels);
    await Promise.all([webhook, slack, telegram, smtp].map((r) => r.close()));
  });

  /** Each test lives in its own month, so rules and rows of other tests never share its windows. */
  function nextEra(): ManualClock {
    era += 40 * 24 * 60 * MIN;
    return new ManualClock(era);
  }

  /** What each receiver got for the rule named `name`: [fired, cleared] messages. */
  function delivered(name: string): Record<string, [number, number]> {
    const count = (texts: string[]) =>
      [`ALERT: ${name}`, `RESOLVED: ${name}`].map((t) => texts.filter((x) => x.includes(t)).length) as [
        number,
        number,
      ];
    return {
      webhook: count(webhook.received.map((r) => String((r.body.data as { title: string }).title))),
      slack: count(slack.received.map((r) => String(r.body.text))),
      telegram: count(telegram.received.map((r) => String(r.body.text))),
      email: count(smtp.received.map((r) => String(r.body.subject))),
    };
  }
  const everywhere = (fired: number, cleared: number) => ({
    webhook: [fired, cleared],
    slack: [fired, cleared],
    telegram: [fired, cleared],
    email: [fired, cleared],
  });

  async function rule(clock: ManualClock, input: Omit<RuleInput, 'channelIds'>) {
    return createAlertRule(db, { cooldownMinutes: 0, ...input, channelIds }, clock.now());
  }
  async function step(clock: ManualClock, minutes: number) {
    clock.advance(minutes * MIN);
    return evaluateAlertRules(deps, clock.now());
  }
  async function finish(id: number, clock: ManualClock) {
    await changeAlertRule(db, id, { enabled: false }, clock.now());
    expect(webhook.refused).toEqual([]);
    expect(slack.refused).toEqual([]);
    expect(telegram.refused).toEqual([]);
  }
  async function linkOf(clock: ManualClock): Promise<LinkRef> {
    const c = await createCatalog(db, { now: clock.now() });
    return {
      linkId: Number(c.link.id),
      offerId: Number(c.offer.id),
      publisherId: Number(c.publisher.id),
      advertiserId: Number(c.advertiser.id),
    };
  }
  /** `count` clicks spread over [from, from + spanMinutes). */
  async function clicks(link: LinkRef, from: number, count: number, spanMinutes = 60) {
    const made = [];
    for (let i = 0; i < count; i++)
      made.push(await seedClick(db, link, from + Math.floor((i * spanMinutes * MIN) / count)));
    return made;
  }

  it('clicks dropped to zero: quiet in its first window, fires, holds, clears; no baseline is no drop', async () => {
    const clock = nextEra();
    const t0 = clock.now();
    const link = await linkOf(clock);
    const quiet = await linkOf(clock);
    // Last week this offer had a click every 6 minutes from t0 - 2 h to t0 + 3 h.
    await clicks(link, t0 - WEEK - 120 * MIN, 50, 300);
    const drop = await rule(clock, {
      name: `drop ${t0}`,
      kind: 'clicks_drop',
      target: { type: 'offer', id: link.offerId },
      windowMinutes: 60,
    });
    const none = await rule(clock, {
      name: `nobase ${t0}`,
      kind: 'clicks_drop',
      target: { type: 'offer', id: quiet.offerId },
      windowMinutes: 60,
    });
    expect(await step(clock, 0)).toEqual([]); // breached, but this is the rule's first window
    expect(await step(clock, 30)).toEqual([]);
    expect(await step(clock, 30)).toEqual([{ ruleId: drop.id, transition: 'fired' }]);
    expect(await step(clock, 5)).toEqual([]); // still dropped: no second message
    await clicks(link, clock.now() - 2 * MIN, 3, 1);
    expect(await step(clock, 1)).toEqual([{ ruleId: drop.id, transition: 'cleared' }]);
    expect(delivered(drop.name)).toEqual(everywhere(1, 1));
    expect(delivered(none.name)).toEqual(everywhere(0, 0));
    const history = await listAlertEvents(db, { ruleId: drop.id, limit: 10 });
    expect(history.map((e) => e.transition)).toEqual(['cleared', 'fired']);
    expect(history[1].message).toContain('0 clicks in the last 60 min');
    expect(JSON.parse(history[1].notified)).toHaveLength(4);
    expect(JSON.parse(history[1].notified).every((a: { ok: boolean }) => a.ok)).toBe(true);
    await finish(drop.id, clock);
    await finish(none.id, clock);
  });

  it('conversions below a fraction of last week fire and clear', async () => {
    const clock = nextEra();
    const t0 = clock.now();
    const link = await linkOf(clock);
    for (const c of await clicks(link, t0 - WEEK - 60 * MIN, 40, 240)) await seedConversion(db, c);
    const r = await rule(clock, {
      name: `convdrop ${t0}`,
      kind: 'conversions_drop',
      target: { type: 'advertiser', id: link.advertiserId },
      params: { fraction: 0.5 },
      windowMinutes: 60,
    });
    // This week: 2 conversions in the hour where last week had 10.
    for (const c of await clicks(link, t0, 2, 30)) await seedConversion(db, c);
    expect(await step(clock, 60)).toEqual([{ ruleId: r.id, transition: 'fired' }]);
    for (const c of await clicks(link, t0 + 60 * MIN, 10, 30)) await seedConversion(db, c);
    expect(await step(clock, 30)).toEqual([{ ruleId: r.id, transition: 'cleared' }]);
    expect(delivered(r.name)).toEqual(everywhere(1, 1));
    await finish(r.id, clock);
  });

  it('a spike above k × last week fires, and clears when traffic is back to normal (clicks and conversions)', async () => {
    const clock = nextEra();
    const t0 = clock.now();
    const link = await linkOf(clock);
    for (const c of await clicks(link, t0 - WEEK, 12, 180)) await seedConversion(db, c); // 4 an hour last week
    const target = { type: 'publisher' as const, id: link.publisherId };
    const r = await rule(clock, {
      name: `spike ${t0}`,
      kind: 'clicks_spike',
      target,
      params: { factor: 3 },
      windowMinutes: 60,
    });
    const conv = await rule(clock, {
      name: `convspike ${t0}`,
      kind: 'conversions_spike',
      target,
      params: { factor: 3 },
      windowMinutes: 60,
    });
    await clicks(link, t0, 20, 60);
    expect(await step(clock, 60)).toEqual([{ ruleId: r.id, transition: 'fired' }]);
    // Next hour: clicks back to normal (6), conversions up: 3 on each click, 18 against 4 last week.
    for (const c of await clicks(link, t0 + 60 * MIN, 6, 60))
      for (let i = 0; i < 3; i++) await seedConversion(db, c, { goal: `g${i}` });
    expect(await step(clock, 60)).toEqual([
      { ruleId: r.id, transition: 'cleared' },
      { ruleId: conv.id, transition: 'fired' },
    ]);
    for (const c of await clicks(link, t0 + 120 * MIN, 4, 60)) await seedConversion(db, c);
    expect(await step(clock, 60)).toEqual([{ ruleId: conv.id, transition: 'cleared' }]);
    for (const x of [r, conv]) {
      expect(delivered(x.name)).toEqual(everywhere(1, 1));
      await finish(x.id, clock);
    }
  });

  it('CR outside its band fires and clears, and waits for enough clicks', async () => {
    const clock = nextEra();
    const t0 = clock.now();
    const link = await linkOf(clock);
    const r = await rule(clock, {
      name: `cr ${t0}`,
      kind: 'cr_band',
      target: { type: 'offer', id: link.offerId },
      params: { min: 5, max: 50, minSample: 10 },
      windowMinutes: 60,
    });
    await clicks(link, t0, 5, 50); // too few clicks to judge
    expect(await step(clock, 60)).toEqual([]);
    await clicks(link, t0 + 60 * MIN, 20, 50); // 20 clicks, no conversion: CR 0 %
    expect(await step(clock, 60)).toEqual([{ ruleId: r.id, transition: 'fired' }]);
    const made = await clicks(link, t0 + 120 * MIN, 20, 50);
    for (const c of made.slice(0, 4)) await seedConversion(db, c); // 20 %
    expect(await step(clock, 60)).toEqual([{ ruleId: r.id, transition: 'cleared' }]);
    expect(delivered(r.name)).toEqual(everywhere(1, 1));
    await finish(r.id, clock);
  });

  it('outbound failure rate, a disabled endpoint and an old pending delivery fire and clear', async () => {
    const clock = nextEra();
    const t0 = clock.now();
    const seeded = await seedDeliveries(db, 'http://127.0.0.1:9', 2, { now: t0 });
    const target = { type: 'postback' as const, id: seeded.postbackId };
    const failing = await rule(clock, {
      name: `fail ${t0}`,
      kind: 'delivery_failure_rate',
      target,
      params: { percent: 50, minSample: 10 },
      windowMinutes: 30,
    });
    const disabled = await rule(clock, {
      name: `disabled ${t0}`,
      kind: 'endpoint_disabled',
      target: { type: 'publisher', id: seeded.publisherId },
      windowMinutes: 1,
    });
    const old = await rule(clock, {
      name: `old ${t0}`,
      kind: 'oldest_pending',
      target,
      params: { minutes: 45 },
      windowMinutes: 1,
    });
    const attempt = (status: number, at: number) =>
      db
        .insertInto('delivery_attempts')
        .values({
          delivery_id: seeded.deliveryIds[0],
          postback_id: seeded.postbackId,
          attempt_no: 1,
          trigger: 'scheduled',
          url: 'http://127.0.0.1:9/pb',
          method: 'GET',
          request_headers: '{}',
          request_body: null,
          status_code: status,
          response_excerpt: null,
          response_truncated: 0,
          duration_ms: 3,
          error_class: status >= 200 && status < 300 ? null : status === 0 ? 'connect' : 'http',
          error_message: null,
          created_at: at,
        })
        .execute();
    for (let i = 0; i < 12; i++) await attempt(i % 4 === 0 ? 200 : i % 2 ? 503 : 0, t0 + i * MIN);
    await db
      .updateTable('postbacks')
      .set({ state: 'disabled', disabled_reason: 'answered 410 Gone' })
      .where('id', '=', seeded.postbackId)
      .execute();
    expect(await step(clock, 30)).toEqual([
      { ruleId: failing.id, transition: 'fired' },
      { ruleId: disabled.id, transition: 'fired' },
    ]);
    // 50 min on: the oldest delivery is older than 45 min; the failed attempts left the 30 min window.
    expect(await step(clock, 20)).toEqual([
      { ruleId: failing.id, transition: 'cleared' },
      { ruleId: old.id, transition: 'fired' },
    ]);
    await db
      .updateTable('postbacks')
      .set({ state: 'active', disabled_reason: null })
      .where('id', '=', seeded.postbackId)
      .execute();
    await db
      .updateTable('deliveries')
      .set({ status: 'succeeded', completed_at: clock.now() })
      .where('postback_id', '=', seeded.postbackId)
      .execute();
    expect(await step(clock, 30)).toEqual([
      { ruleId: disabled.id, transition: 'cleared' },
      { ruleId: old.id, transition: 'cleared' },
    ]);
    for (const r of [failing, disabled, old]) {
      expect(delivered(r.name)).toEqual(everywhere(1, 1));
      await finish(r.id, clock);
    }
  });

  it("an advertiser's inbound rejection rate and a reversal rate fire and clear", async () => {
    const clock = nextEra();
    const t0 = clock.now();
    const link = await linkOf(clock);
    const rejections = await rule(clock, {
      name: `rejected ${t0}`,
      kind: 'inbound_rejection_rate',
      target: { type: 'advertiser', id: link.advertiserId },
      params: { percent: 30 },
      windowMinutes: 60,
    });
    const everyone = await rule(clock, {
      name: `rejected anywhere ${t0}`,
      kind: 'inbound_rejection_rate',
      target: { type: 'all' },
      params: { percent: 30 },
      windowMinutes: 60,
    });
    const reversals = await rule(clock, {
      name: `reversed ${t0}`,
      kind: 'reversal_rate',
      target: { type: 'offer', id: link.offerId },
      params: { percent: 10 },
      windowMinutes: 60,
    });
    for (let i = 0; i < 25; i++) {
      const bad = i % 2 === 0;
      await seedPostbackLog(
        db,
        link.advertiserId,
        t0 + i * MIN,
        bad ? { result: 'rejected', code: 'bad_token', http_status: 403 } : {},
      );
    }
    for (const [i, c] of (await clicks(link, t0, 25, 50)).entries())
      await seedConversion(db, c, { status: i < 5 ? 'reversed' : 'approved' });
    // Hits no advertiser could be told for count for "all" too.
    for (let i = 0; i < 5; i++)
      await seedPostbackLog(db, null, t0 + i * MIN, { result: 'rejected', code: 'missing_token' });
    expect(await step(clock, 60)).toEqual([
      { ruleId: rejections.id, transition: 'fired' },
      { ruleId: everyone.id, transition: 'fired' },
      { ruleId: reversals.id, transition: 'fired' },
    ]);
    for (let i = 0; i < 25; i++) await seedPostbackLog(db, link.advertiserId, clock.now() + i * MIN);
    for (const c of await clicks(link, clock.now(), 25, 50))
      await seedConversion(db, c, { status: 'approved' });
    expect(await step(clock, 60)).toEqual([
      { ruleId: rejections.id, transition: 'cleared' },
      { ruleId: everyone.id, transition: 'cleared' },
      { ruleId: reversals.id, transition: 'cleared' },
    ]);
    const history = await listAlertEvents(db, { ruleId: everyone.id, limit: 5 });
    expect(history[1].message).toBe('60 % rejected (18 of 30 inbound postbacks) in the last 60 min');
    for (const r of [rejections, everyone, reversals]) {
      expect(delivered(r.name)).toEqual(everywhere(1, 1));
      await finish(r.id, clock);
    }
  });

  it('after a clear, waits out the cooldown before firing again', async () => {
    const clock = nextEra();
    const seeded = await seedDeliveries(db, 'http://127.0.0.1:9', 1, { now: clock.now() });
    const r = await createAlertRule(
      db,
      {
        name: `cool ${clock.now()}`,
        kind: 'endpoint_disabled',
        target: { type: 'postback', id: seeded.postbackId },
        windowMinutes: 1,
        cooldownMinutes: 30,
        channelIds,
      },
      clock.now(),
    );
    const setState = (state: 'active' | 'disabled') =>
      db.updateTable('postbacks').set({ state }).where('id', '=', seeded.postbackId).execute();
    await setState('disabled');
    expect(await step(clock, 1)).toHaveLength(1);
    await setState('active');
    expect(await step(clock, 1)).toHaveLength(1);
    await setState('disabled');
    expect(await step(clock, 10)).toEqual([]); // 10 min after the clear: cooling down
    expect(await step(clock, 21)).toEqual([{ ruleId: r.id, transition: 'fired' }]);
    expect(delivered(r.name)).toEqual(everywhere(2, 1));
    await finish(r.id, clock);
  });

  it('two app instances: the job lease lets one of them evaluate, so each transition goes out once', async () => {
    const clock = nextEra();
    const seeded = await seedDeliveries(db, 'http://127.0.0.1:9', 1, { now: clock.now() });
    const r = await rule(clock, {
      name: `lease ${clock.now()}`,
      kind: 'endpoint_disabled',
      target: { type: 'postback', id: seeded.postbackId },
      windowMinutes: 1,
    });
    const nodes = ['api-1', 'api-2'].map((holder) => {
      const runner = createJobRunner({ db, clock, log, holder });
      registerAlertJob(runner, deps, MIN);
      return runner;
    });
    await db
      .updateTable('postbacks')
      .set({ state: 'disabled' })
      .where('id', '=', seeded.postbackId)
      .execute();
    clock.advance(2 * MIN);
    const ran = await Promise.all(nodes.map((n) => n.runDue()));
    expect(ran.flat()).toEqual(['alerts.evaluate']);
    await db.updateTable('postbacks').set({ state: 'active' }).where('id', '=', seeded.postbackId).execute();
    clock.advance(MIN);
    const again = await Promise.all(nodes.map((n) => n.runDue()));
    expect(again.flat()).toEqual(['alerts.evaluate']);
    expect(delivered(r.name)).toEqual(everywhere(1, 1));
    await finish(r.id, clock);
  });
});
