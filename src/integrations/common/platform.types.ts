// What the delivery engine hands an ad platform, and what the platform's answer means per event.
// The engine owns claiming, batching, retries and holding; a platform module only builds its wire
// format and reads its answers (src/integrations/<platform>/).

/** What the click told us, as far as an ad platform may be told it. */
export interface ClickFacts {
  createdAt: number;
  ip: string | null;
  userAgent: string | null;
  referrer: string | null;
  externalId: string | null;
  fbclid: string | null;
  /** Meta's browser id (`_fbp`), as captured. */
  fbp: string | null;
  ttclid: string | null;
  gclid: string | null;
  gbraid: string | null;
  wbraid: string | null;
}

/** One conversion event to forward, already mapped to the platform's event name and value. */
export interface ConversionFacts {
  /** The delivery id: stable across retries, so the platform deduplicates on it. */
  deliveryId: string;
  conversionId: string;
  eventName: string;
  value: number | null;
  currency: string | null;
  /** When the conversion event happened (ms). */
  occurredAt: number;
  /** The offer's landing page without its query: Meta's event_source_url when none is configured. */
  landingUrl: string | null;
  click: ClickFacts | undefined;
  /** The conversion was reversed (a chargeback): a platform that can retract it does so. */
  reversal?: boolean;
}

export interface PlatformRequest {
  url: string;
  /** POST unless said (a status read is a GET). */
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  body: string;
}

export interface PlatformResponse {
  /** 0 when no HTTP answer came. */
  statusCode: number;
  body: string;
  /** null on an HTTP answer; timeout, connect… otherwise. */
  errorClass: string | null;
  errorMessage: string | null;
  retryAfterMs?: number;
}

/** Sends one request to the platform (the engine's sender, with its deadline). */
export type PlatformPost = (request: PlatformRequest) => Promise<PlatformResponse>;

/** What the platform's answer means for one event of the batch. */
export type RowVerdict =
  | { ok: true; confirmLater?: ConfirmLater }
  | {
      ok: false;
      /** retry: transient (rate limit, 5xx…); failed: permanent; token: the destination's credentials are refused. */
      kind: 'retry' | 'failed' | 'token';
      message: string;
      throttled?: boolean;
    };

/** Taken for processing, not yet confirmed: the platform reports the outcome of `requestId` later. */
export interface ConfirmLater {
  requestId: string;
  /** When to ask first. */
  checkAfterMs: number;
  /** Sent again after this long if the outcome never comes (the platform deduplicates a resend). */
  resendAfterMs: number;
}

export type RowFailure = Extract<RowVerdict, { ok: false }>;

export interface BatchAnswer {
  /** The platform's id of the request (fbtrace_id, request_id, requestId). */
  traceId: string | null;
  rows: RowVerdict[];
  /** The answer in plain words, for the test button and the attempt list. */
  summary: string;
}

/** One batch request as sent and as recorded (secrets replaced by REDACTED). */
export interface SentBatch {
  recordedUrl: string;
  recordedHeaders: Record<string, string>;
  /** The recorded body for row i: the envelope with that one event (an attempt belongs to one delivery). */
  recordedBodyFor(index: number): string;
  response: PlatformResponse;
  answer: BatchAnswer;
}

/** The base URLs and versions of the platforms' APIs (configuration). */
export interface PlatformEndpoints {
  metaApiUrl: string;
  metaApiVersion: string;
  tiktokApiUrl: string;
  googleDataManagerUrl: string;
  googleAdsApiUrl: string;
  googleAdsApiVersion: string;
  googleOauthUrl: string;
}

export interface SendContext {
  endpoints: PlatformEndpoints;
  post: PlatformPost;
  now: number;
  /** The platform's test mode (test_event_code / validateOnly): nothing is counted as a conversion. */
  test: boolean;
}

/** What a platform reports later about a request it took for processing (Google's requestId). */
export interface RequestCheck {
  /** processing: ask again later; settled: the verdict for every event of it; unknown: send again. */
  state: 'processing' | 'settled' | 'unknown';
  verdict: RowVerdict;
  /** The answer in plain words. */
  summary: string;
  recordedUrl: string;
  response: PlatformResponse;
}

export const REDACTED = 'REDACTED';

/** Every row of a batch the same verdict (the whole request was refused or never answered). */
export function allRows(count: number, verdict: RowVerdict): RowVerdict[] {
  return Array.from({ length: count }, () => verdict);
}

/** A transport failure or an answer that is not the platform's: retried. */
export function transportVerdict(response: PlatformResponse, platform: string): RowFailure | undefined {
  if (response.errorClass !== null && response.statusCode === 0)
    return {
      ok: false,
      kind: 'retry',
      message: `${platform} did not answer: ${response.errorMessage ?? response.errorClass}`,
    };
  if (response.statusCode === 429)
    return { ok: false, kind: 'retry', throttled: true, message: `${platform} is rate limiting (HTTP 429)` };
  if (response.statusCode >= 500)
    return { ok: false, kind: 'retry', message: `${platform} answered HTTP ${response.statusCode}` };
  return undefined;
}

/**
 * The batch's answer: the platform's own reading when the body is its envelope (`ownEnvelope`),
 * otherwise a transport failure (no answer, 429, 5xx from something in front of it) for every row.
 */
export function answerOf(
  response: PlatformResponse,
  platform: string,
  count: number,
  ownEnvelope: (body: Record<string, unknown> | undefined) => boolean,
  read: () => BatchAnswer,
): BatchAnswer {
  const failed = transportVerdict(response, platform);
  if (failed && !ownEnvelope(parseJsonObject(response.body)))
    return { traceId: null, rows: allRows(count, failed), summary: failed.message };
  return read();
}

export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The envelope with only row i's event, for the attempt of row i's delivery. */
export function envelopeWithOne(envelope: Record<string, unknown>, key: string, event: unknown): string {
  return JSON.stringify({ ...envelope, [key]: [event] });
}
