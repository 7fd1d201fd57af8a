// TikTok Events API 2.0: POST {api}/open_api/v1.3/event/track/ with the Access-Token header and
// {event_source: "web", event_source_id: pixel code, data: [...]}. TikTok answers errors with HTTP
// 200 and a non-zero `code`: verified only when code is 0.

import { missingClickId, visitorFields } from '../common/click-user.ts';
import type { DestinationSettings } from '../common/destination-settings.ts';
import { postJsonBatch } from '../common/json-batch.ts';
import {
  allRows,
  type BatchAnswer,
  type ConversionFacts,
  parseJsonObject,
  REDACTED,
  type SendContext,
  type SentBatch,
} from '../common/platform.types.ts';

export const TIKTOK_BATCH_MAX = 1_000;

export interface TiktokEvent {
  event: string;
  event_time: number;
  event_id: string;
  user: Record<string, unknown>;
  page?: { url: string; referrer?: string };
  properties: { currency?: string; value?: number; order_id: string };
}

export function buildTiktokEvent(
  facts: ConversionFacts,
  settings: DestinationSettings,
): { event: TiktokEvent } | { skip: string } {
  const click = facts.click;
  const missing = missingClickId(click, 'ttclid', 'TikTok', settings);
  if (missing) return missing;
  const user: Record<string, unknown> = {
    ...(click?.ttclid && { ttclid: click.ttclid }),
    ...visitorFields(click, { ip: 'ip', userAgent: 'user_agent' }),
  };
  const pageUrl = settings.eventSourceUrl ?? facts.landingUrl;
  const properties: TiktokEvent['properties'] = { value: facts.value ?? 0, order_id: facts.conversionId };
  if (facts.currency) properties.currency = facts.currency.toUpperCase();
  return {
    event: {
      event: facts.eventName,
      event_time: Math.floor(facts.occurredAt / 1000),
      event_id: facts.deliveryId,
      user,
      ...(pageUrl && { page: { url: pageUrl, ...(click?.referrer && { referrer: click.referrer }) } }),
      properties,
    },
  };
}

// Codes that say the token is refused (auth failed, no permission on the pixel).
const TOKEN_CODES = new Set([40001, 40100, 40104, 40105]);
const TRANSIENT_CODES = new Set([40016, 42900, 50000, 50002]);

export function readTiktokAnswer(statusCode: number, body: string, count: number): BatchAnswer {
  const json = parseJsonObject(body);
  const traceId = typeof json?.request_id === 'string' ? json.request_id : null;
  if (!json || typeof json.code !== 'number') {
    const message = `TikTok answered HTTP ${statusCode} without its response envelope`;
    return { traceId, rows: allRows(count, { ok: false, kind: 'retry', message }), summary: message };
  }
  if (json.code === 0)
    return { traceId, rows: allRows(count, { ok: true }), summary: `TikTok accepted ${count} event(s)` };
  const message = `TikTok error ${json.code}: ${String(json.message ?? '')}`;
  const kind = TOKEN_CODES.has(json.code) ? 'token' : TRANSIENT_CODES.has(json.code) ? 'retry' : 'failed';
  return {
    traceId,
    rows: allRows(count, { ok: false, kind, message, throttled: json.code === 42900 }),
    summary: message,
  };
}

export function sendTiktokBatch(
  events: TiktokEvent[],
  settings: DestinationSettings,
  secrets: Record<string, string>,
  ctx: SendContext,
): Promise<SentBatch> {
  const url = `${ctx.endpoints.tiktokApiUrl}/open_api/v1.3/event/track/`;
  const envelope: Record<string, unknown> = {
    event_source: 'web',
    event_source_id: settings.pixelCode,
    partner_name: 'Trackwire',
  };
  if (ctx.test && settings.testEventCode) envelope.test_event_code = settings.testEventCode;
  return postJsonBatch(
    {
      platform: 'TikTok',
      url,
      recordedUrl: url,
      headers: { 'content-type': 'application/json', 'access-token': REDACTED },
      secretHeaders: { 'access-token': secrets.accessToken ?? '' },
      envelope,
      events,
      ownEnvelope: (body) => typeof body?.code === 'number',
      read: (response, count) => readTiktokAnswer(response.statusCode, response.body, count),
    },
    ctx,
  );
}
