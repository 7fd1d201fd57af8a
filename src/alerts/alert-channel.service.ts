// Alert channels: where alerts go. Each kind takes its own fields; secrets (the Telegram bot token,
// the webhook's signing secret) are stored and never shown again, except the signing secret once,
// at creation, so the receiver can verify signatures.

import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.types.ts';
import { TRACKWIRE_USER_AGENT } from '../deliveries/prepare/user-agent.ts';
import { createSender } from '../deliveries/transport/http-sender.ts';
import { newSigningSecret } from '../deliveries/transport/signing.ts';
import { AppError, notFound } from '../shared/errors.ts';
import type { ChannelKind } from './alert.table.ts';
import { findAlertChannel, insertAlertChannel, updateAlertChannel } from './alert-channel.repository.ts';
import { type AlertChannel, type ChannelSettings, toAlertChannel } from './alert-channel.view.ts';
import type { AlertMessage } from './alert-message.ts';
import { type ChannelAnswer, type ChannelDeps, sendToChannel } from './channel-senders.ts';

export interface ChannelInput {
  kind: ChannelKind;
  name: string;
  url?: string;
  botToken?: string;
  chatId?: string;
  to?: string;
}

const FIELDS: Record<ChannelKind, readonly (keyof ChannelInput)[]> = {
  webhook: ['url'],
  slack: ['url'],
  telegram: ['botToken', 'chatId'],
  email: ['to'],
};
const OPTIONAL_FIELDS = ['url', 'botToken', 'chatId', 'to'] as const;
const EMAIL = /^[^\s@,]+@[^\s@,]+$/;

function invalid(message: string, field: string): AppError {
  return new AppError('validation_failed', message, { fields: [field] });
}

/** Checks that `input` carries exactly the fields of its kind, well formed. */
function checkChannelInput(input: ChannelInput, requireAll: boolean): void {
  const wanted = FIELDS[input.kind];
  for (const field of OPTIONAL_FIELDS) {
    if (input[field] !== undefined && !wanted.includes(field))
      throw invalid(`${field}: not a field of a ${input.kind} channel`, field);
    if (requireAll && wanted.includes(field) && !input[field])
      throw invalid(`${field}: required for a ${input.kind} channel`, field);
  }
  if (input.url !== undefined) {
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      throw invalid('url: not a URL', 'url');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw invalid('url: must be http or https', 'url');
  }
  if (input.to !== undefined && !input.to.split(',').every((a) => EMAIL.test(a.trim())))
    throw invalid('to: one or more email addresses, comma-separated', 'to');
  if (input.botToken !== undefined && !/^\d+:[A-Za-z0-9_-]+$/.test(input.botToken))
    throw invalid('botToken: a Telegram bot token looks like 123456:ABC-def…', 'botToken');
}

function settingsOf(input: Partial<ChannelInput>): ChannelSettings {
  const settings: ChannelSettings = {};
  if (input.url !== undefined) settings.url = input.url;
  if (input.chatId !== undefined) settings.chatId = input.chatId;
  if (input.to !== undefined) settings.to = input.to;
  return settings;
}

export async function createAlertChannel(
  db: Db,
  input: ChannelInput,
  now: number,
): Promise<{ channel: AlertChannel; signingSecret?: string }> {
  checkChannelInput(input, true);
  const signingSecret = input.kind === 'webhook' ? newSigningSecret() : undefined;
  const row = await insertAlertChannel(db, {
    kind: input.kind,
    name: input.name,
    settings: JSON.stringify(settingsOf(input)),
    secret: input.kind === 'telegram' ? (input.botToken ?? null) : (signingSecret ?? null),
    created_at: now,
    updated_at: now,
  });
  return { channel: toAlertChannel(row), signingSecret };
}

export async function getAlertChannel(db: Db, id: number): Promise<AlertChannel> {
  const row = await findAlertChannel(db, id);
  if (!row) throw notFound('alert channel');
  return toAlertChannel(row);
}

/** Changes the name or the kind's fields; a bot token left out stays as it was. */
export async function changeAlertChannel(
  db: Db,
  id: number,
  input: Omit<Partial<ChannelInput>, 'kind'>,
  now: number,
): Promise<AlertChannel> {
  const current = await getAlertChannel(db, id);
  checkChannelInput({ ...input, kind: current.kind, name: input.name ?? current.name }, false);
  const row = await updateAlertChannel(db, id, {
    name: input.name ?? current.name,
    settings: JSON.stringify({ ...current.settings, ...settingsOf(input) }),
    secret: input.botToken ?? current.secret,
    updated_at: now,
  });
  if (!row) throw notFound('alert channel');
  return toAlertChannel(row);
}

/** The transport alerts go out on; close it with closeChannelDeps. */
export function createChannelDeps(config: Config): ChannelDeps {
  return {
    sender: createSender({
      allowPrivateTargets: config.allowPrivateTargets,
      allowedTargets: config.allowedTargets,
      userAgent: TRACKWIRE_USER_AGENT,
      maxResponseBytes: 2_000,
    }),
    smtpUrl: config.smtpUrl,
    smtpFrom: config.smtpFrom,
    telegramApiUrl: config.telegramApiUrl,
  };
}

export const closeChannelDeps = (deps: ChannelDeps) => deps.sender.close();

/** "Send test": one message now, answered with what the receiver said. */
export async function sendTestAlert(
  db: Db,
  deps: ChannelDeps,
  id: number,
  now: number,
): Promise<ChannelAnswer> {
  const channel = await getAlertChannel(db, id);
  const message: AlertMessage = {
    id: `alert_test_${channel.id}_${now}`,
    transition: 'test',
    title: `Trackwire test alert to "${channel.name}"`,
    text: 'This is a test message. If you can read it, alerts reach this channel.',
    rule: null,
    value: null,
    at: now,
  };
  return sendToChannel(channel, message, deps);
}
