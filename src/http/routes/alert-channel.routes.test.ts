import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type LoopbackReceiver,
  startSlackReceiver,
  startSmtpServer,
  startTelegramApi,
  startWebhookReceiver,
} from '../../../test/support/alert-receivers.ts';
import { apiClient, type Call, makeKey } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { createCatalog } from '../../../test/support/fixtures.ts';
import { describeEachStore } from '../../../test/support/stores.ts';

const BOT_TOKEN = '123456:test-bot-token_abc';

describeEachStore('/api/v1/alert-channels', (current) => {
  let app: TestApp;
  let admin: Call;
  let webhook: LoopbackReceiver & { secret: string };
  let slack: LoopbackReceiver;
  let telegram: LoopbackReceiver;
  let smtp: LoopbackReceiver;
  beforeAll(async () => {
    [webhook, slack, telegram, smtp] = await Promise.all([
      startWebhookReceiver(),
      startSlackReceiver(),
      startTelegramApi(BOT_TOKEN),
      startSmtpServer(),
    ]);
    app = await startTestApp(current().store, { smtpUrl: smtp.url, telegramApiUrl: telegram.url });
    admin = apiClient(app.url, TEST_ADMIN_KEY);
  });
  afterAll(async () => {
    await app.close();
    await Promise.all([webhook, slack, telegram, smtp].map((r) => r.close()));
  });

  it('creates each kind, keeps secrets write-only, and "send test" answers with what the receiver said', async () => {
    const hook = await admin('POST', '/alert-channels', {
      kind: 'webhook',
      name: 'Ops hook',
      url: `${webhook.url}/hook`,
    });
    expect(hook.status).toBe(201);
    expect(hook.body.signingSecret).toMatch(/^whsec_/);
    webhook.secret = hook.body.signingSecret;
    const tg = await admin('POST', '/alert-channels', {
      kind: 'telegram',
      name: 'TG',
      botToken: BOT_TOKEN,
      chatId: '-1001',
    });
    expect(tg.status).toBe(201);
    expect(tg.body).toMatchObject({ kind: 'telegram', chatId: '-1001', botTokenSet: true });
    expect(JSON.stringify(tg.body)).not.toContain(BOT_TOKEN);
    const sl = await admin('POST', '/alert-channels', {
      kind: 'slack',
      name: 'Slack',
      url: `${slack.url}/services/T/B/X`,
    });
    const mail = await admin('POST', '/alert-channels', {
      kind: 'email',
      name: 'Mail',
      to: 'ops@example.com',
    });
    expect(mail.status).toBe(201);

    const shown = await admin('GET', `/alert-channels/${hook.body.id}`);
    expect(shown.body.signingSecret).toBeUndefined();
    const listed = await admin('GET', '/alert-channels');
    expect(JSON.stringify(listed.body)).not.toContain(BOT_TOKEN);
    expect(JSON.stringify(listed.body)).not.toContain(hook.body.signingSecret);

    const hookTest = await admin('POST', `/alert-channels/${hook.body.id}/test`);
    expect(hookTest.body).toEqual({ ok: true, statusCode: 200, answer: '{"received":true}' });
    expect(webhook.received).toHaveLength(1);
    expect(webhook.received[0].body).toMatchObject({ type: 'alert.test' });
    expect(webhook.refused).toEqual([]);

    const tgTest = await admin('POST', `/alert-channels/${tg.body.id}/test`);
    expect(tgTest.body).toMatchObject({ ok: true, statusCode: 200 });
    expect(JSON.parse(tgTest.body.answer)).toMatchObject({ ok: true, result: { message_id: 1 } });
    expect(telegram.received[0].body).toMatchObject({ chat_id: '-1001' });

    const slTest = await admin('POST', `/alert-channels/${sl.body.id}/test`);
    expect(slTest.body).toEqual({ ok: true, statusCode: 200, answer: 'ok' });
    expect(slack.received[0].body.text).toContain('Trackwire test alert');

    const mailTest = await admin('POST', `/alert-channels/${mail.body.id}/test`);
    expect(mailTest.body).toMatchObject({ ok: true, statusCode: 250 });
    expect(mailTest.body.answer).toContain('Message queued as test');
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0].body).toMatchObject({
      subject: 'Trackwire test alert to "Mail"',
      to: ['ops@example.com'],
    });
  });

  it('reports a refusing receiver honestly and never leaks the bot token', async () => {
    const wrong = await admin('POST', '/alert-channels', {
      kind: 'telegram',
      name: 'Wrong bot',
      botToken: '999:wrong-token',
      chatId: '1',
    });
    const answer = await admin('POST', `/alert-channels/${wrong.body.id}/test`);
    expect(answer.body).toMatchObject({ ok: false, statusCode: 401 });
    expect(answer.body.answer).toContain('Unauthorized');
    const dead = await admin('POST', '/alert-channels', {
      kind: 'slack',
      name: 'Dead',
      url: 'http://127.0.0.1:1/x',
    });
    const deadAnswer = await admin('POST', `/alert-channels/${dead.body.id}/test`);
    expect(deadAnswer.body).toMatchObject({ ok: false, statusCode: 0 });
  });

  it('refuses fields of another kind, missing fields and bad values, naming them', async () => {
    const cases = [
      { kind: 'webhook', name: 'x' },
      { kind: 'slack', name: 'x', url: 'ftp://x' },
      { kind: 'email', name: 'x', to: 'not-an-address' },
      { kind: 'email', name: 'x', to: 'a@b.c', url: 'https://x.example' },
      { kind: 'telegram', name: 'x', chatId: '1' },
      { kind: 'sms', name: 'x' },
      { kind: 'slack', name: 'x', url: 'https://x.example', extra: 1 },
    ];
    for (const body of cases) {
      const reply = await admin('POST', '/alert-channels', body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.error.code).toBe('validation_failed');
    }
    const missing = await admin('POST', '/alert-channels/999999/test');
    expect(missing.status).toBe(404);
  });

  it('changes a channel without touching its bot token, and deletes it', async () => {
    const tg = await admin('POST', '/alert-channels', {
      kind: 'telegram',
      name: 'T',
      botToken: BOT_TOKEN,
      chatId: '5',
    });
    const changed = await admin('PATCH', `/alert-channels/${tg.body.id}`, { name: 'T2', chatId: '6' });
    expect(changed.body).toMatchObject({ name: 'T2', chatId: '6', botTokenSet: true });
    const test = await admin('POST', `/alert-channels/${tg.body.id}/test`);
    expect(test.body.ok).toBe(true);
    expect((await admin('DELETE', `/alert-channels/${tg.body.id}`)).status).toBe(204);
    expect((await admin('GET', `/alert-channels/${tg.body.id}`)).status).toBe(404);
  });

  it('is for admins only: advertiser and publisher keys are refused on every route', async () => {
    const catalog = await createCatalog(current().store.db);
    const keys = [
      await makeKey(current().store, 'advertiser', { advertiserId: Number(catalog.advertiser.id) }),
      await makeKey(current().store, 'publisher', { publisherId: Number(catalog.publisher.id) }),
    ];
    const channel = await admin('POST', '/alert-channels', { kind: 'email', name: 'M', to: 'a@example.com' });
    for (const key of keys) {
      const call = apiClient(app.url, key);
      for (const [method, path] of [
        ['GET', '/alert-channels'],
        ['GET', `/alert-channels/${channel.body.id}`],
        ['POST', `/alert-channels/${channel.body.id}/test`],
        ['DELETE', `/alert-channels/${channel.body.id}`],
      ] as const) {
        expect((await call(method, path)).status, `${method} ${path}`).toBe(403);
      }
    }
  });
});
