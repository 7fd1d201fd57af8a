// An alert channel as the rules use it (settings parsed) and as the API shows it (secret withheld).
import type { AlertChannelRow, ChannelKind } from './alert.table.ts';

export interface ChannelSettings {
  url?: string;
  chatId?: string;
  to?: string;
}

export interface AlertChannel {
  id: number;
  kind: ChannelKind;
  name: string;
  settings: ChannelSettings;
  secret: string | null;
  createdAt: number;
  updatedAt: number;
}

export function toAlertChannel(row: AlertChannelRow): AlertChannel {
  return {
    id: Number(row.id),
    kind: row.kind,
    name: row.name,
    settings: JSON.parse(row.settings) as ChannelSettings,
    secret: row.secret,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** What the API returns: never the bot token or the signing secret, only whether one is set. */
export function publicChannelView(channel: AlertChannel) {
  return {
    id: channel.id,
    kind: channel.kind,
    name: channel.name,
    ...channel.settings,
    ...(channel.kind === 'telegram' ? { botTokenSet: channel.secret !== null } : {}),
    createdAt: channel.createdAt,
    updatedAt: channel.updatedAt,
  };
}
