// Meta Conversions API: POST {graph}/{version}/{pixelId}/events?access_token=…, JSON
// {data: [...], test_event_code?}. Verified when events_received equals the events sent.
import type { DestinationSettings } from '../common/destination-settings.ts';
import {
  allRows,
  answerOf,
  type BatchAnswer,
  type ConversionFacts,
  envelopeWithOne,
  parseJsonObject,
  REDACTED,
  type SendContext,
  type SentBatch,
} from '../common/platform.types.ts';
import { hashExternalId } from '../common/user-hashing.ts';

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
  if (!click?.fbclid && !settings.allowWithoutClickId)
    return { skip: 'not sent to Meta: the click has no fbclid (a click id is never made up)' };
  if (now - facts.occurredAt > META_MAX_AGE_MS)
    return { skip: 'not sent to Meta: the conversion is older than the 7 days Meta accepts' };
  const user: Record<string, unknown> = {};
  if (click?.fbclid) user.fbc = fbcOf(click.fbclid, click.createdAt);
  if (click?.ip) user.client_ip_address = click.ip;
  if (click?.userAgent) user.client_user_agent = click.userAgent;
  if (click?.externalId) user.external_id = [hashExternalId(click.externalId)];
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

export async function sendMetaBatch(
  events: MetaEvent[],
  settings: DestinationSettings,
  secrets: Record<string, string>,
  ctx: SendContext,
): Promise<SentBatch> {
  const { metaApiUrl, metaApiVersion } = ctx.endpoints;
  const path = `${metaApiUrl}/${metaApiVersion}/${encodeURIComponent(settings.pixelId ?? '')}/events`;
  const envelope: Record<string, unknown> = {};
  if (ctx.test && settings.testEventCode) envelope.test_event_code = settings.testEventCode;
  const headers = { 'content-type': 'application/json' };
  const response = await ctx.post({
    url: `${path}?access_token=${encodeURIComponent(secrets.accessToken ?? '')}`,
    headers,
    body: JSON.stringify({ data: events, ...envelope }),
  });
  const answer = answerOf(
    response,
    'Meta',
    events.length,
    (body) => body?.error !== undefined,
    () => readMetaAnswer(response.statusCode, response.body, events.length),
  );
  return {
    recordedUrl: `${path}?access_token=${REDACTED}`,
    recordedHeaders: headers,
    recordedBodyFor: (i) => envelopeWithOne(envelope, 'data', events[i]),
    response,
    answer,
  };
}
