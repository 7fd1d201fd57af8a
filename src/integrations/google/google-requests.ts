// The three Google requests a batch can become: Data Manager events:ingest (RFC 3339 times; answered
// with a requestId, processed later), the legacy UploadClickConversions (`yyyy-mm-dd hh:mm:ss+00:00`,
// partialFailure: true) and the legacy UploadConversionAdjustments (RETRACTION by order id).
import type { DestinationSettings } from '../common/destination-settings.ts';
import {
  allRows,
  type BatchAnswer,
  type ConfirmLater,
  parseJsonObject,
  type SendContext,
} from '../common/platform.types.ts';
import { readGoogleError, readPartialFailure } from './google-answers.ts';

/** One conversion (or its retraction), in the fields both APIs share; each API renders it its own way. */
export interface GoogleConversion {
  clickId: { gclid: string } | { gbraid: string } | { wbraid: string } | null;
  orderId: string;
  at: number;
  value: number | null;
  currency: string | null;
  /** A reversal: retract the conversion uploaded under `orderId` (legacy API only). */
  retract?: boolean;
}

/** Google answers a Data Manager request's status within minutes; asked first after this long. */
export const GOOGLE_STATUS_FIRST_CHECK_MS = 60_000;
/** A request whose status never comes is sent again (Google deduplicates on transactionId). */
export const GOOGLE_STATUS_GIVE_UP_MS = 24 * 60 * 60 * 1000;

/** `yyyy-mm-dd hh:mm:ss+00:00`, the legacy upload's format (UTC). */
export function legacyDateTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}+00:00`;
}

/** RFC 3339 in UTC, whole seconds. */
export function rfc3339(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export interface ShapedRequest {
  url: string;
  headers: Record<string, string>;
  envelope: Record<string, unknown>;
  key: string;
  rows: unknown[];
  read(statusCode: number, body: string): BatchAnswer;
}

function readLegacy(count: number, key: string) {
  return (statusCode: number, body: string): BatchAnswer => {
    const json = parseJsonObject(body);
    if (statusCode !== 200 || !json) return readGoogleError(statusCode, body, count, 'Google Ads');
    return readPartialFailure(json, count, typeof json.jobId === 'string' ? json.jobId : null, key);
  };
}

/** The legacy API's two services: conversions, and retractions (which name the conversion by the
 * order id it was uploaded with, as Google requires of a conversion that has one). */
const LEGACY = {
  conversions: {
    method: 'uploadClickConversions',
    row: (c: GoogleConversion, action: string) => ({
      ...c.clickId,
      conversionAction: action,
      conversionDateTime: legacyDateTime(c.at),
      ...(c.value !== null && { conversionValue: c.value }),
      ...(c.currency && { currencyCode: c.currency.toUpperCase() }),
      orderId: c.orderId,
    }),
  },
  conversionAdjustments: {
    method: 'uploadConversionAdjustments',
    row: (c: GoogleConversion, action: string) => ({
      conversionAction: action,
      adjustmentType: 'RETRACTION',
      adjustmentDateTime: legacyDateTime(c.at),
      orderId: c.orderId,
    }),
  },
};

export function shapeLegacy(
  key: keyof typeof LEGACY,
  events: GoogleConversion[],
  settings: DestinationSettings,
  secrets: Record<string, string>,
  ctx: SendContext,
): ShapedRequest {
  const { googleAdsApiUrl, googleAdsApiVersion } = ctx.endpoints;
  const service = LEGACY[key];
  const action = `customers/${settings.operatingAccountId}/conversionActions/${settings.conversionActionId}`;
  const login = settings.loginCustomerId;
  return {
    url: `${googleAdsApiUrl}/${googleAdsApiVersion}/customers/${settings.operatingAccountId}:${service.method}`,
    headers: {
      'developer-token': secrets.developerToken ?? '',
      ...(login && { 'login-customer-id': login }),
    },
    envelope: { partialFailure: true, validateOnly: ctx.test },
    key,
    rows: events.map((c) => service.row(c, action)),
    read: readLegacy(events.length, key),
  };
}

export function shapeDataManager(
  events: GoogleConversion[],
  settings: DestinationSettings,
  ctx: SendContext,
): ShapedRequest {
  const login = settings.loginCustomerId;
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
    rows: events.map((c) => ({
      transactionId: c.orderId,
      eventTimestamp: rfc3339(c.at),
      ...(c.clickId && { adIdentifiers: c.clickId }),
      ...(c.value !== null && { conversionValue: c.value }),
      ...(c.currency && { currency: c.currency.toUpperCase() }),
      eventSource: 'WEB',
    })),
    read(statusCode, body) {
      const json = parseJsonObject(body);
      if (statusCode !== 200 || !json)
        return readGoogleError(statusCode, body, events.length, 'Google Data Manager');
      const requestId = typeof json.requestId === 'string' ? json.requestId : null;
      if (ctx.test)
        return {
          traceId: requestId,
          rows: allRows(events.length, { ok: true }),
          summary: `Google validated ${events.length} event(s) (validateOnly: nothing recorded)`,
        };
      // A 200 is a receipt: Google processes the events later and reports on the requestId.
      const confirmLater: ConfirmLater | undefined = requestId
        ? {
            requestId,
            checkAfterMs: GOOGLE_STATUS_FIRST_CHECK_MS,
            resendAfterMs: GOOGLE_STATUS_GIVE_UP_MS,
          }
        : undefined;
      return {
        traceId: requestId,
        rows: allRows(events.length, confirmLater ? { ok: true, confirmLater } : { ok: true }),
        summary: `Google took ${events.length} event(s) for processing; its report on request ${requestId ?? '(none)'} decides`,
      };
    },
  };
}
