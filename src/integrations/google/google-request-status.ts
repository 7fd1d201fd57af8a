// The Data Manager API's report on an events:ingest request (requestStatus:retrieve). Google reports
// per destination, not per event: a status (PROCESSING, SUCCESS, FAILED, PARTIAL_SUCCESS) and how
// many records failed for which reason. Every event of the request gets the request's verdict.
import type { DestinationSettings } from '../common/destination-settings.ts';
import {
  parseJsonObject,
  type RequestCheck,
  type RowVerdict,
  type SendContext,
  transportVerdict,
} from '../common/platform.types.ts';
import { oauthClientOf, withGoogleToken } from './google-ads.ts';
import { readGoogleError } from './google-answers.ts';

interface DestinationStatus {
  requestStatus?: string;
  errorInfo?: { errorCounts?: Array<{ recordCount?: string | number; reason?: string }> };
  eventsIngestionStatus?: { recordCount?: string | number };
}

// Reasons that mean Google already has the event (a resend of one it took): delivered.
const ALREADY_THERE = new Set([
  'PROCESSING_ERROR_REASON_DUPLICATE_TRANSACTION_ID',
  'PROCESSING_ERROR_REASON_DUPLICATE_GCLID',
]);
const TRANSIENT = new Set(['PROCESSING_ERROR_REASON_INTERNAL_ERROR']);

/** The verdict of a finished request from its per-reason error counts. */
export function verdictOfStatus(
  status: DestinationStatus,
): { verdict: RowVerdict; summary: string } | undefined {
  const state = status.requestStatus;
  const total = Number(status.eventsIngestionStatus?.recordCount ?? 0);
  if (state === 'SUCCESS')
    return { verdict: { ok: true }, summary: `Google processed all ${total} event(s) of the request` };
  if (state !== 'FAILED' && state !== 'PARTIAL_SUCCESS') return undefined;
  const counts = (status.errorInfo?.errorCounts ?? []).map((c) => ({
    reason: c.reason ?? 'PROCESSING_ERROR_REASON_UNSPECIFIED',
    records: Number(c.recordCount ?? 0),
  }));
  const refused = counts.filter((c) => !ALREADY_THERE.has(c.reason));
  if (refused.length === 0)
    return { verdict: { ok: true }, summary: 'Google already had the event(s) of the request (duplicates)' };
  const failedRecords = refused.reduce((n, c) => n + c.records, 0);
  const reasons = refused.map((c) => `${c.reason} × ${c.records}`).join(', ');
  const unattributed =
    total > 1 && failedRecords < total
      ? `; Google does not say which of the ${total} events, so each is marked with the request's answer (a resend is safe: an event Google already has comes back as a duplicate)`
      : '';
  const message = `Google Data Manager ${state}: ${failedRecords} of ${total} event(s) refused: ${reasons}${unattributed}`;
  const transient = refused.every((c) => TRANSIENT.has(c.reason));
  return {
    verdict: { ok: false, kind: transient ? 'retry' : 'failed', message },
    summary: message,
  };
}

export async function checkGoogleRequest(
  requestId: string,
  settings: DestinationSettings,
  secrets: Record<string, string>,
  ctx: SendContext,
): Promise<RequestCheck> {
  const url = `${ctx.endpoints.googleDataManagerUrl}/v1/requestStatus:retrieve?requestId=${encodeURIComponent(requestId)}`;
  const sent = await withGoogleToken(oauthClientOf(settings, secrets), ctx, (token) => ({
    url,
    method: 'GET',
    headers: { authorization: `Bearer ${token}` },
    body: '',
  }));
  const base = { recordedUrl: url };
  if ('failed' in sent) {
    const response = { statusCode: 0, body: '', errorClass: null, errorMessage: sent.failed.message };
    const state = sent.failed.kind === 'retry' ? 'processing' : 'settled';
    return { ...base, state, verdict: sent.failed, summary: sent.failed.message, response };
  }
  const { response } = sent;
  const json = parseJsonObject(response.body);
  const transient = transportVerdict(response, 'Google Data Manager');
  if (response.statusCode !== 200 || !json) {
    const read = readGoogleError(response.statusCode, response.body, 1, 'Google Data Manager');
    const verdict = (transient && !json?.error ? transient : read.rows[0]) as RowVerdict & { ok: false };
    // Not found or refused as an argument: Google does not know the request, so the events go again.
    const state = verdict.kind === 'retry' ? 'processing' : verdict.kind === 'token' ? 'settled' : 'unknown';
    return { ...base, state, verdict, summary: verdict.message, response };
  }
  const destinations = (json.requestStatusPerDestination ?? []) as DestinationStatus[];
  const settled = destinations.length > 0 ? verdictOfStatus(destinations[0]) : undefined;
  if (!settled) {
    const state = destinations[0]?.requestStatus ?? 'REQUEST_STATUS_UNKNOWN';
    return {
      ...base,
      state: 'processing',
      verdict: { ok: true },
      summary: `Google is still processing request ${requestId} (${state})`,
      response,
    };
  }
  return { ...base, state: 'settled', ...settled, response };
}
