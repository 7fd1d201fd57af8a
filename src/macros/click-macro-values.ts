// The macros a click can fill: used by the redirect (offer destination URL) and, merged with the
// conversion's own values, by outbound postbacks.

import { randomUUID } from 'node:crypto';
import type { ClickRow } from '../tracking/clicks/click.table.ts';
import type { MacroValues } from './template.ts';

/** Milliseconds → Unix seconds (UTC), as text, e.g. "1718000000". */
export function formatUnixSeconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}

// Every redirect fills the time macros, and a busy link sees thousands of clicks per second: the
// text of the current second is kept and reused.
let lastSecond = Number.NaN;
let lastDatetime = '';

/** Milliseconds → "YYYY-MM-DD HH:MM:SS" in UTC, the format the seeds' {datetime} promises. */
export function formatDatetimeUtc(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    const iso = new Date(second * 1000).toISOString();
    lastDatetime = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
    lastSecond = second;
  }
  return lastDatetime;
}

export function macroValuesFromClick(click: ClickRow): MacroValues {
  return {
    click_id: click.id,
    external_id: click.external_id,
    offer_id: String(click.offer_id),
    publisher_id: String(click.publisher_id),
    advertiser_id: String(click.advertiser_id),
    link_id: String(click.link_id),
    smartlink_id: click.smartlink_id == null ? null : String(click.smartlink_id),
    sub1: click.sub1,
    sub2: click.sub2,
    sub3: click.sub3,
    sub4: click.sub4,
    sub5: click.sub5,
    sub6: click.sub6,
    sub7: click.sub7,
    sub8: click.sub8,
    sub9: click.sub9,
    sub10: click.sub10,
    ip: click.ip,
    user_agent: click.user_agent,
    country: click.country,
    os: click.os,
    device: click.device,
    browser: click.browser,
    referrer: click.referrer,
    fbclid: click.fbclid,
    ttclid: click.ttclid,
    gclid: click.gclid,
    gbraid: click.gbraid,
    wbraid: click.wbraid,
    msclkid: click.msclkid,
    fbp: click.fbp,
    click_timestamp: formatUnixSeconds(click.created_at),
    click_datetime: formatDatetimeUtc(click.created_at),
  };
}

/** Canonical names of every macro an offer destination URL may use: each has a value at redirect. */
export const REDIRECT_MACROS: ReadonlySet<string> = new Set([
  'click_id',
  'external_id',
  'offer_id',
  'publisher_id',
  'advertiser_id',
  'link_id',
  'smartlink_id',
  ...Array.from({ length: 10 }, (_, i) => `sub${i + 1}`),
  'ip',
  'user_agent',
  'country',
  'os',
  'device',
  'browser',
  'referrer',
  'fbclid',
  'ttclid',
  'gclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'fbp',
  'click_timestamp',
  'click_datetime',
  'timestamp',
  'datetime',
  'random',
]);

/** What the offer destination URL is filled with: the click's values, its time as the event time. */
export function redirectMacroValues(click: ClickRow, withRandom = true): MacroValues {
  const values = macroValuesFromClick(click);
  values.timestamp = values.click_timestamp;
  values.datetime = values.click_datetime;
  if (withRandom) values.random = randomUUID();
  return values;
}
