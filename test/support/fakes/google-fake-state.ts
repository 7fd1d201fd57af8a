// What the Google fake's handlers share: the options, what Google holds, and its error shape
// (google.rpc.Status with a GoogleAdsFailure detail).
import { type FakeAnswer, traceId } from './fake-server.ts';

export interface GoogleFakeOptions {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  customerId: string;
  conversionActionId: string;
  developerToken: string;
}

/** One events:ingest request as Google keeps it until its status is asked for. */
export interface IngestRequest {
  /** How many more status reads answer PROCESSING. */
  pollsLeft: number;
  destination: Record<string, unknown>;
  recordCount: number;
  /** Records that failed processing, by reason. */
  errors: Map<string, number>;
}

export interface GoogleFakeState {
  /** Data Manager events received (not validateOnly). */
  events: Array<Record<string, unknown>>;
  /** Legacy conversions accepted (not validateOnly). */
  conversions: Array<Record<string, unknown>>;
  /** Legacy adjustments accepted (not validateOnly). */
  adjustments: Array<Record<string, unknown>>;
  validated: number;
  tokensIssued: number;
  /** Access tokens live this long (ms). */
  tokenLifetimeMs: number;
  /** gclids answered TOO_RECENT_EVENT once (then accepted). */
  tooRecentOnce: Set<string>;
  /** Order ids whose retraction is answered TOO_RECENT_CONVERSION once (then accepted). */
  tooRecentAdjustmentOnce: Set<string>;
  /** Data Manager: gclids (or transaction ids) that fail processing with this reason. */
  processingErrors: Map<string, string>;
  /** Data Manager: as processingErrors, for the next request that holds the event only. */
  processingErrorsOnce: Map<string, string>;
  /** Data Manager: status reads that answer PROCESSING before a request is done. */
  processingPolls: number;
  /** Data Manager status reads, by request id. */
  statusReads: string[];
  refusals: string[];
}

export interface GoogleFakeContext {
  o: GoogleFakeOptions;
  fake: GoogleFakeState;
  refuse(a: FakeAnswer): FakeAnswer;
}

export const LEGACY_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

/** `yyyy-mm-dd hh:mm:ss+hh:mm` as ms. */
export const legacyMs = (s: string) => Date.parse(s.replace(' ', 'T'));

export function rpcError(
  status: number,
  rpc: string,
  message: string,
  errorCode?: Record<string, string>,
): FakeAnswer {
  const details = errorCode
    ? [
        {
          '@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure',
          errors: [{ errorCode, message }],
          requestId: traceId('r'),
        },
      ]
    : [];
  return { status, body: { error: { code: status, message, status: rpc, details } } };
}

/** The legacy APIs' 200 answer: results (omitted for validateOnly) and a partialFailureError. */
export function partialAnswer(results: unknown[], errors: unknown[], validateOnly: boolean): FakeAnswer {
  const answer: Record<string, unknown> = { jobId: String(Date.now()) };
  if (!validateOnly) answer.results = results;
  if (errors.length > 0)
    answer.partialFailureError = {
      code: 3,
      message: 'Request contains an invalid argument.',
      details: [{ '@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure', errors }],
    };
  return { status: 200, body: answer };
}

/** A per-row error of a legacy request, located at `field[index]`. */
export function rowError(field: string, index: number, errorCode: Record<string, string>, message: string) {
  return { errorCode, message, location: { fieldPathElements: [{ fieldName: field, index }] } };
}
