// Carries one alert message to one channel and reports what the receiver said. HTTP channels go
// through the delivery transport (SSRF guard at connect time, deadline, capped body); email goes
// over SMTP (TRACKWIRE_SMTP_URL) with nodemailer. Never throws: a failure is a ChannelAnswer.
import nodemailer from 'nodemailer';
import type { OutboundRequest, Sender } from '../deliveries/transport/outbound.types.ts';
import { signWebhook } from '../deliveries/transport/signing.ts';
import type { AlertChannel } from './alert-channel.view.ts';
import { type AlertMessage, plainText, webhookPayload } from './alert-message.ts';

export interface ChannelAnswer {
  channelId: number;
  ok: boolean;
  /** The HTTP status, or the SMTP reply code; 0 when nothing answered. */
  statusCode: number;
  /** What the receiver said: its body excerpt or the SMTP server's reply line, or our error. */
  answer: string;
}

export interface ChannelDeps {
  sender: Sender;
  smtpUrl: string | undefined;
  smtpFrom: string;
  telegramApiUrl: string;
}

const SEND_TIMEOUT_MS = 10_000;

function json(url: string, body: string, headers: Record<string, string> = {}): OutboundRequest {
  return {
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    timeoutMs: SEND_TIMEOUT_MS,
  };
}

function httpRequestFor(channel: AlertChannel, message: AlertMessage, deps: ChannelDeps): OutboundRequest {
  const text = plainText(message);
  switch (channel.kind) {
    case 'webhook': {
      const body = webhookPayload(message);
      const headers = signWebhook({
        secrets: [channel.secret ?? ''],
        msgId: message.id,
        // The time of sending (receivers refuse stale signatures), not the alert's own time.
        timestamp: Math.floor(Date.now() / 1000),
        body,
      });
      return json(channel.settings.url ?? '', body, headers);
    }
    case 'slack':
      return json(channel.settings.url ?? '', JSON.stringify({ text }));
    case 'telegram':
      return json(
        `${deps.telegramApiUrl}/bot${channel.secret ?? ''}/sendMessage`,
        JSON.stringify({ chat_id: channel.settings.chatId, text, disable_web_page_preview: true }),
      );
    default:
      throw new Error(`${channel.kind} is not an HTTP channel`);
  }
}

async function sendEmail(
  channel: AlertChannel,
  message: AlertMessage,
  deps: ChannelDeps,
): Promise<ChannelAnswer> {
  if (!deps.smtpUrl) {
    return { channelId: channel.id, ok: false, statusCode: 0, answer: 'TRACKWIRE_SMTP_URL is not set' };
  }
  const transport = nodemailer.createTransport(deps.smtpUrl);
  try {
    const info = await transport.sendMail({
      from: deps.smtpFrom,
      to: channel.settings.to,
      subject: message.title,
      text: message.text,
      headers: { 'X-Trackwire-Alert-Id': message.id },
    });
    const code = Number(/^(\d{3})/.exec(info.response)?.[1] ?? 250);
    return { channelId: channel.id, ok: info.accepted.length > 0, statusCode: code, answer: info.response };
  } catch (err) {
    const e = err as { responseCode?: number; response?: string; message: string };
    return {
      channelId: channel.id,
      ok: false,
      statusCode: e.responseCode ?? 0,
      answer: e.response ?? e.message,
    };
  } finally {
    transport.close();
  }
}

export async function sendToChannel(
  channel: AlertChannel,
  message: AlertMessage,
  deps: ChannelDeps,
): Promise<ChannelAnswer> {
  if (channel.kind === 'email') return sendEmail(channel, message, deps);
  const request = httpRequestFor(channel, message, deps);
  const result = await deps.sender.send(request);
  const ok = result.errorClass === null && result.statusCode >= 200 && result.statusCode < 300;
  // The bot token sits in the Telegram URL; an error message must not carry it back.
  const error = channel.secret
    ? result.errorMessage?.replaceAll(channel.secret, '[redacted]')
    : result.errorMessage;
  return {
    channelId: channel.id,
    ok,
    statusCode: result.statusCode,
    answer: result.statusCode === 0 ? (error ?? 'no answer') : result.responseExcerpt,
  };
}
