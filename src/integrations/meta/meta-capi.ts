// Meta Conversions API: POST {graph}/{version}/{pixelId}/events?access_token=…, JSON
// {data: [...], test_event_code?}. Verified when events_received equals the events sent.

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

export const META_BATCH_MAX = 1_000;
/** Meta refuses a whole request holding an event older than this. */
export const META_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export interface MetaEvent {
  event_name: string;
  event_time: number;
  event_id: string;
  action_source: string;
  event_source_url?: string;
  user_data: Record<string, unknown>;
  custom_data: { currency?: string; value?: number };
}

/** `fb.1.<click time in ms>.<fbclid exactly as received>` (subdomain index 1, as Meta asks of servers). */
export function fbcOf(fbclid: string, clickAt: number): string {
  return `fb.1.${clickAt}.${fbclid}`;
}

/** The event for one conversion, or why it is not sent. */
export function buildMetaEvent(
  facts: ConversionFacts,
  settings: DestinationSettings,
  now: number,
): { event: MetaEvent } | { skip: string } {
  const click = facts.click;
  const missing = missingClickId(click, 'fbclid', 'Meta', settings);
  if (missing) return missing;
  if (now - facts.occurredAt > META_MAX_AGE_MS)
    return { skip: 'not sent to Meta: the conversion is older than the 7 days Meta accepts' };
  const user: Record<string, unknown> = {};
  if (click?.fbclid) user.fbc = fbcOf(click.fbclid, click.createdAt);
  // As captured (its format checked on the click), never hashed, never made up.
  if (click?.fbp) user.fbp = click.fbp;
  Object.assign(user, visitorFields(click, { ip: 'client_ip_address', userAgent: 'client_user_agent' }));
  if (Object.keys(user).length === 0)
    return {
      skip: 'not sent to Meta: nothing identifies the user (no fbclid, IP, user agent or external id)',
    };
  const sourceUrl = settings.eventSourceUrl ?? facts.landingUrl ?? undefined;
  // Meta requires a page URL and the user agent for website events; without them the event is a server one.
  const website = sourceUrl !== undefined && user.client_user_agent !== undefined;
  const custom: MetaEvent['custom_data'] = { value: facts.value ?? 0 };
  if (facts.currency) custom.currency = facts.currency.toLowerCase();
  return {
    event: {
      event_name: facts.eventName,
      event_time: Math.floor(facts.occurredAt / 1000),
      event_id: facts.deliveryId,
      action_source: website ? 'website' : 'system_generated',
      ...(website && { event_source_url: sourceUrl }),
      user_data: user,
      custom_data: custom,
    },
  };
}

// Graph API codes that say "try later" (throttling, temporary) rather than "this is wrong".
const TRANSIENT_CODES = new Set([1, 2, 4, 17, 32, 341, 613, 80000, 80004]);
const TOKEN_CODES = new Set([102, 190]);

export function readMetaAnswer(statusCode: number, body: string, count: number): BatchAnswer {
  const json = parseJsonObject(body);
  const error = json?.error as Record<string, unknown> | undefined;
  const traceId = (json?.fbtrace_id ?? error?.fbtrace_id ?? null) as string | null;
  if (statusCode >= 200 && statusCode < 300 && json && !error) {
    const received = json.events_received;
    if (received === count)
      return { traceId, rows: allRows(count, { ok: true }), summary: `Meta received ${count} event(s)` };
    const message = `Meta confirmed ${String(received ?? 'no')} of ${count} event(s); not verified, sent again`;
    return { traceId, rows: allRows(count, { ok: false, kind: 'retry', message }), summary: message };
  }
  if (!error) {
    const message = `Meta answered HTTP ${statusCode} without its error envelope`;
    return { traceId, rows: allRows(count, { ok: false, kind: 'retry', message }), summary: message };
  }
  const code = Number(error.code);
  const text = String(error.error_user_msg ?? error.message ?? 'unknown error');
  const title = error.error_user_title ? `${String(error.error_user_title)}: ` : '';
  const message = `Meta error ${code}${error.error_subcode ? `/${String(error.error_subcode)}` : ''}: ${title}${text}`;
  const kind = TOKEN_CODES.has(code)
    ? 'token'
    : error.is_transient === true || TRANSIENT_CODES.has(code) || statusCode === 429 || statusCode >= 500
      ? 'retry'
      : 'failed';
  const throttled =
    kind === 'retry' && (code === 4 || code === 17 || code === 32 || code === 613 || statusCode === 429);
  return { traceId, rows: allRows(count, { ok: false, kind, message, throttled }), summary: message };
}

export function sendMetaBatch(
  events: MetaEvent[],
  settings: DestinationSettings,
  secrets: Record<string, string>,
  ctx: SendContext,
): Promise<SentBatch> {
  const { metaApiUrl, metaApiVersion } = ctx.endpoints;
  const path = `${metaApiUrl}/${metaApiVersion}/${encodeURIComponent(settings.pixelId ?? '')}/events`;
  const envelope: Record<string, unknown> = {};
  if (ctx.test && settings.testEventCode) envelope.test_event_code = settings.testEventCode;
  return postJsonBatch(
    {
      platform: 'Meta',
      // The Graph API takes the token in the query, as Meta's own SDK sends it.
      url: `${path}?access_token=${encodeURIComponent(secrets.accessToken ?? '')}`,
      recordedUrl: `${path}?access_token=${REDACTED}`,
      headers: { 'content-type': 'application/json' },
      envelope,
      events,
      ownEnvelope: (body) => body?.error !== undefined,
      read: (response, count) => readMetaAnswer(response.statusCode, response.body, count),
    },
    ctx,
  );
}
