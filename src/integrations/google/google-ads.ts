// Google Ads conversions: the Data Manager API (events:ingest, RFC 3339 times; the default path since
// Google's 2026 change) or the legacy UploadClickConversions for allow-listed accounts
// (`yyyy-mm-dd hh:mm:ss+00:00`, partialFailure: true). Both authenticate with an OAuth access token
// refreshed from the destination's refresh token.
import type { DestinationSettings } from '../common/destination-settings.ts';
import {
  allRows,
  answerOf,
  type BatchAnswer,
  type ConversionFacts,
  envelopeWithOne,
  type PlatformRequest,
  parseJsonObject,
  REDACTED,
  type SendContext,
  type SentBatch,
} from '../common/platform.types.ts';
import { readGoogleError, readPartialFailure } from './google-answers.ts';
import { forgetAccessToken, googleAccessToken, type OauthClient } from './google-oauth.ts';

export const GOOGLE_BATCH_MAX = 2_000;
/** The longest click-through window a Google Ads conversion action can have. */
export const GOOGLE_MAX_AGE_MS = 90 * 24 * 60 * 60 * 1000;

/** One conversion, in the fields both APIs share; each API renders it its own way. */
export interface GoogleConversion {
  clickId: { gclid: string } | { gbraid: string } | { wbraid: string } | null;
  orderId: string;
  at: number;
  value: number | null;
  currency: string | null;
}

export function buildGoogleConversion(
  facts: ConversionFacts,
  settings: DestinationSettings,
  now: number,
): { event: GoogleConversion } | { skip: string } {
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
      skip: 'not sent to Google: the click has no gclid, gbraid or wbraid (a click id is never made up)',
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
    },
  };
}

/** `yyyy-mm-dd hh:mm:ss+00:00`, the legacy upload's format (UTC). */
export function legacyDateTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}+00:00`;
}

/** RFC 3339 in UTC, whole seconds. */
export function rfc3339(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

function dataManagerEvent(c: GoogleConversion) {
  return {
    transactionId: c.orderId,
    eventTimestamp: rfc3339(c.at),
    ...(c.clickId && { adIdentifiers: c.clickId }),
    ...(c.value !== null && { conversionValue: c.value }),
    ...(c.currency && { currency: c.currency.toUpperCase() }),
    eventSource: 'WEB',
  };
}

function clickConversion(c: GoogleConversion, settings: DestinationSettings) {
  return {
    ...c.clickId,
    conversionAction: `customers/${settings.operatingAccountId}/conversionActions/${settings.conversionActionId}`,
    conversionDateTime: legacyDateTime(c.at),
    ...(c.value !== null && { conversionValue: c.value }),
    ...(c.currency && { currencyCode: c.currency.toUpperCase() }),
    orderId: c.orderId,
  };
}

interface Shaped {
  url: string;
  headers: Record<string, string>;
  envelope: Record<string, unknown>;
  key: string;
  rows: unknown[];
  read(statusCode: number, body: string): BatchAnswer;
}

function shape(
  events: GoogleConversion[],
  settings: DestinationSettings,
  secrets: Record<string, string>,
  ctx: SendContext,
): Shaped {
  const login = settings.loginCustomerId;
  if (settings.api === 'click_upload') {
    const { googleAdsApiUrl, googleAdsApiVersion } = ctx.endpoints;
    return {
      url: `${googleAdsApiUrl}/${googleAdsApiVersion}/customers/${settings.operatingAccountId}:uploadClickConversions`,
      headers: {
        'developer-token': secrets.developerToken ?? '',
        ...(login && { 'login-customer-id': login }),
      },
      envelope: { partialFailure: true, validateOnly: ctx.test },
      key: 'conversions',
      rows: events.map((e) => clickConversion(e, settings)),
      read(statusCode, body) {
        const json = parseJsonObject(body);
        if (statusCode !== 200 || !json)
          return readGoogleError(statusCode, body, events.length, 'Google Ads');
        return readPartialFailure(json, events.length, typeof json.jobId === 'string' ? json.jobId : null);
      },
    };
  }
  const account = (accountId: string) => ({ accountType: 'GOOGLE_ADS', accountId });
  return {
    url: `${ctx.endpoints.googleDataManagerUrl}/v1/events:ingest`,
    headers: {},
    envelope: {
      destinations: [
        {
          operatingAccount: account(settings.operatingAccountId ?? ''),
          ...(login && { loginAccount: account(login) }),
          productDestinationId: settings.conversionActionId,
        },
      ],
      encoding: 'HEX',
      validateOnly: ctx.test,
    },
    key: 'events',
    rows: events.map(dataManagerEvent),
    read(statusCode, body) {
      const json = parseJsonObject(body);
      if (statusCode !== 200 || !json)
        return readGoogleError(statusCode, body, events.length, 'Google Data Manager');
      const requestId = typeof json.requestId === 'string' ? json.requestId : null;
      const summary = ctx.test
        ? `Google validated ${events.length} event(s) (validateOnly: nothing recorded)`
        : `Google accepted ${events.length} event(s) for processing`;
      return { traceId: requestId, rows: allRows(events.length, { ok: true }), summary };
    },
  };
}

export async function sendGoogleBatch(
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
  const client: OauthClient = {
    clientId: settings.clientId ?? '',
    clientSecret: secrets.clientSecret ?? '',
    refreshToken: secrets.refreshToken ?? '',
  };
  const request = async (): Promise<SentBatch | { token: string; req: PlatformRequest }> => {
    const token = await googleAccessToken(client, ctx.endpoints.googleOauthUrl, ctx.post, ctx.now);
    if ('failure' in token) {
      const response = { statusCode: 0, body: '', errorClass: null, errorMessage: token.failure.message };
      return {
        ...recorded,
        response,
        answer: {
          traceId: null,
          rows: allRows(events.length, token.failure),
          summary: token.failure.message,
        },
      };
    }
    const headers = {
      'content-type': 'application/json',
      authorization: `Bearer ${token.token}`,
      ...s.headers,
    };
    return { token: token.token, req: { url: s.url, headers, body } };
  };
  for (let tries = 0; ; tries++) {
    const prepared = await request();
    if (!('req' in prepared)) return prepared;
    const response = await ctx.post(prepared.req);
    // An access token that lapsed early (revoked, clock skew): refresh once and send again.
    if (response.statusCode === 401 && tries === 0) {
      forgetAccessToken(client);
      continue;
    }
    const answer = answerOf(
      response,
      'Google',
      events.length,
      (body) => body?.error !== undefined,
      () => s.read(response.statusCode, response.body),
    );
    return { ...recorded, response, answer };
  }
}
