// Google Ads conversions: the Data Manager API (the default path since Google's 2026 change) or the
// legacy UploadClickConversions for allow-listed accounts, which also takes retractions
// (UploadConversionAdjustments). Both authenticate with an OAuth access token refreshed from the
// destination's refresh token. The request shapes are in google-requests.ts.
import type { DestinationSettings } from '../common/destination-settings.ts';
import {
  allRows,
  answerOf,
  type ConversionFacts,
  envelopeWithOne,
  type PlatformRequest,
  REDACTED,
  type RowVerdict,
  type SendContext,
  type SentBatch,
} from '../common/platform.types.ts';
import { forgetAccessToken, googleAccessToken, type OauthClient } from './google-oauth.ts';
import {
  type GoogleConversion,
  type ShapedRequest,
  shapeDataManager,
  shapeLegacy,
} from './google-requests.ts';

export { type GoogleConversion, legacyDateTime, rfc3339 } from './google-requests.ts';

export const GOOGLE_BATCH_MAX = 2_000;
/** The longest click-through window a Google Ads conversion action can have. */
export const GOOGLE_MAX_AGE_MS = 90 * 24 * 60 * 60 * 1000;

export const REVERSAL_NOT_FORWARDED =
  'reversal not forwarded to Google: the Data Manager API documents no retraction (Google states it both ways), so retract it in Google Ads, or use the legacy upload, which retracts by order id';

export function buildGoogleConversion(
  facts: ConversionFacts,
  settings: DestinationSettings,
  now: number,
): { event: GoogleConversion } | { skip: string } {
  if (facts.reversal && settings.api !== 'click_upload') return { skip: REVERSAL_NOT_FORWARDED };
  const click = facts.click;
  // Exactly one click id, exactly as captured: gclid first, then the iOS ones.
  const clickId = click?.gclid
    ? { gclid: click.gclid }
    : click?.gbraid
      ? { gbraid: click.gbraid }
      : click?.wbraid
        ? { wbraid: click.wbraid }
        : null;
  if (!clickId && !settings.allowWithoutClickId)
    return {
      skip: `not sent to Google: the click has no gclid, gbraid or wbraid (a click id is never made up${facts.reversal ? ', so no conversion was uploaded to retract' : ''})`,
    };
  if (now - facts.occurredAt > GOOGLE_MAX_AGE_MS)
    return { skip: 'not sent to Google: the conversion is older than the 90-day click window' };
  return {
    event: {
      clickId,
      orderId: facts.conversionId,
      at: facts.occurredAt,
      value: facts.value,
      currency: facts.currency,
      ...(facts.reversal && { retract: true }),
    },
  };
}

function shape(
  events: GoogleConversion[],
  settings: DestinationSettings,
  secrets: Record<string, string>,
  ctx: SendContext,
): ShapedRequest {
  if (settings.api !== 'click_upload') return shapeDataManager(events, settings, ctx);
  const key = events[0]?.retract ? 'conversionAdjustments' : 'conversions';
  return shapeLegacy(key, events, settings, secrets, ctx);
}

export async function sendGoogleBatch(
  events: GoogleConversion[],
  settings: DestinationSettings,
  secrets: Record<string, string>,
  ctx: SendContext,
): Promise<SentBatch> {
  // Conversions and retractions go to different endpoints: a mixed batch sends its conversions
  // now and its retractions right after (a retraction needs its conversion at Google first).
  const retract = events.length > 0 && events.every((e) => e.retract);
  const sendable = events.filter((e) => Boolean(e.retract) === retract);
  const sent = await sendGoogleRequest(sendable, settings, secrets, ctx);
  if (sendable.length === events.length) return sent;
  const later: RowVerdict = {
    ok: false,
    kind: 'retry',
    message: 'retraction waits for the conversions sent with it (Google takes them in a separate request)',
  };
  const deferred = shapeLegacy(
    'conversionAdjustments',
    events.filter((e) => e.retract),
    settings,
    secrets,
    ctx,
  );
  // Row i's place within its own request (the conversions sent, or the retractions deferred).
  let s = 0;
  let d = 0;
  const place = events.map((e) => (e.retract ? d++ : s++));
  return {
    ...sent,
    recordedBodyFor: (i) =>
      events[i].retract
        ? envelopeWithOne(deferred.envelope, deferred.key, deferred.rows[place[i]])
        : sent.recordedBodyFor(place[i]),
    answer: {
      ...sent.answer,
      rows: events.map((e, i) => (e.retract ? later : sent.answer.rows[place[i]])),
    },
  };
}

/** The OAuth client of a destination. */
export function oauthClientOf(settings: DestinationSettings, secrets: Record<string, string>): OauthClient {
  return {
    clientId: settings.clientId ?? '',
    clientSecret: secrets.clientSecret ?? '',
    refreshToken: secrets.refreshToken ?? '',
  };
}

/**
 * Sends `request(token)` with a valid access token; a 401 (the token lapsed early: revoked, clock
 * skew) refreshes once and sends again. A refused refresh token answers `failed`, never sent.
 */
export async function withGoogleToken(
  client: OauthClient,
  ctx: SendContext,
  request: (token: string) => PlatformRequest,
): Promise<{ failed: RowVerdict & { ok: false } } | { response: Awaited<ReturnType<SendContext['post']>> }> {
  for (let tries = 0; ; tries++) {
    const token = await googleAccessToken(client, ctx.endpoints.googleOauthUrl, ctx.post, ctx.now);
    if ('failure' in token) return { failed: token.failure };
    const response = await ctx.post(request(token.token));
    if (response.statusCode === 401 && tries === 0) {
      forgetAccessToken(client);
      continue;
    }
    return { response };
  }
}

async function sendGoogleRequest(
  events: GoogleConversion[],
  settings: DestinationSettings,
  secrets: Record<string, string>,
  ctx: SendContext,
): Promise<SentBatch> {
  const s = shape(events, settings, secrets, ctx);
  const body = JSON.stringify({ ...s.envelope, [s.key]: s.rows });
  const recorded = {
    recordedUrl: s.url,
    recordedHeaders: {
      'content-type': 'application/json',
      authorization: `Bearer ${REDACTED}`,
      ...s.headers,
      ...(s.headers['developer-token'] !== undefined && { 'developer-token': REDACTED }),
    },
    recordedBodyFor: (i: number) => envelopeWithOne(s.envelope, s.key, s.rows[i]),
  };
  const sent = await withGoogleToken(oauthClientOf(settings, secrets), ctx, (token) => ({
    url: s.url,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...s.headers },
    body,
  }));
  if ('failed' in sent) {
    const { message } = sent.failed;
    return {
      ...recorded,
      response: { statusCode: 0, body: '', errorClass: null, errorMessage: message },
      answer: { traceId: null, rows: allRows(events.length, sent.failed), summary: message },
    };
  }
  const { response } = sent;
  const answer = answerOf(
    response,
    'Google',
    events.length,
    (json) => json?.error !== undefined,
    () => s.read(response.statusCode, response.body),
  );
  return { ...recorded, response, answer };
}
