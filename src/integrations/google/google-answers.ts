// Reading Google's answers: google.rpc.Status errors ({error: {code, status, message, details}}) and
// the legacy upload's per-row partialFailureError.
import {
  allRows,
  type BatchAnswer,
  parseJsonObject,
  type RowFailure,
  type RowVerdict,
} from '../common/platform.types.ts';

interface GoogleFailureDetail {
  errors?: Array<{
    errorCode?: Record<string, string>;
    message?: string;
    location?: { fieldPathElements?: Array<{ fieldName?: string; index?: number }> };
  }>;
  requestId?: string;
}

// Per-row codes worth trying again later rather than failing the conversion.
const TRANSIENT_ROW_CODES = new Set([
  'TOO_RECENT_EVENT',
  'TOO_RECENT_CONVERSION_ACTION',
  'CONCURRENT_MODIFICATION',
  'INTERNAL_ERROR',
  'RESOURCE_EXHAUSTED',
  'TOO_RECENT_CONVERSION',
]);
// Per-row codes that mean what was asked is already so at Google (a retraction sent twice).
const ALREADY_DONE_ROW_CODES = new Set(['CONVERSION_ALREADY_RETRACTED']);
const TOKEN_CODES = new Set([
  'DEVELOPER_TOKEN_INVALID',
  'DEVELOPER_TOKEN_NOT_APPROVED',
  'OAUTH_TOKEN_INVALID',
  'OAUTH_TOKEN_EXPIRED',
  'OAUTH_TOKEN_REVOKED',
  'USER_PERMISSION_DENIED',
  'CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE',
]);

function codesOf(details: GoogleFailureDetail[] | undefined): string[] {
  return (details ?? []).flatMap((d) => (d.errors ?? []).flatMap((e) => Object.values(e.errorCode ?? {})));
}

/** A request-level google.rpc.Status error: the whole batch shares its verdict. */
export function readGoogleError(
  statusCode: number,
  body: string,
  count: number,
  platform: string,
): BatchAnswer {
  const json = parseJsonObject(body);
  const error = json?.error as
    | { code?: number; status?: string; message?: string; details?: GoogleFailureDetail[] }
    | undefined;
  const details = error?.details;
  const traceId = details?.find((d) => d.requestId)?.requestId ?? null;
  const codes = codesOf(details);
  const firstMessage = details?.flatMap((d) => d.errors ?? [])[0]?.message;
  const status = error?.status ?? `HTTP ${statusCode}`;
  const message = `${platform} ${status}${codes.length ? ` ${codes.join(', ')}` : ''}: ${firstMessage ?? error?.message ?? 'no error body'}`;
  let verdict: RowFailure;
  if (status === 'RESOURCE_EXHAUSTED' || statusCode === 429)
    verdict = { ok: false, kind: 'retry', throttled: true, message };
  else if (statusCode >= 500 || status === 'UNAVAILABLE' || status === 'INTERNAL' || !error)
    verdict = { ok: false, kind: 'retry', message };
  else if (statusCode === 401 || statusCode === 403 || codes.some((c) => TOKEN_CODES.has(c)))
    verdict = { ok: false, kind: 'token', message };
  else verdict = { ok: false, kind: 'failed', message };
  return { traceId, rows: allRows(count, verdict), summary: message };
}

/** A legacy upload's 200 answer: rows named in partialFailureError failed, the others were taken. */
export function readPartialFailure(
  json: Record<string, unknown>,
  count: number,
  traceId: string | null,
  key = 'conversions',
): BatchAnswer {
  const rows: RowVerdict[] = allRows(count, { ok: true });
  const failure = json.partialFailureError as { details?: GoogleFailureDetail[] } | undefined;
  let failed = 0;
  for (const detail of failure?.details ?? []) {
    for (const error of detail.errors ?? []) {
      const index = error.location?.fieldPathElements?.find((f) => f.fieldName === key)?.index;
      if (index === undefined || index < 0 || index >= count) continue;
      const code = Object.values(error.errorCode ?? {})[0] ?? 'UNKNOWN';
      if (ALREADY_DONE_ROW_CODES.has(code)) continue;
      const message = `Google Ads ${code}: ${error.message ?? ''}`;
      rows[index] = { ok: false, kind: TRANSIENT_ROW_CODES.has(code) ? 'retry' : 'failed', message };
      failed += 1;
    }
  }
  const summary =
    failed === 0
      ? `Google Ads accepted ${count} ${key === 'conversions' ? 'conversion(s)' : 'retraction(s)'}`
      : `Google Ads accepted ${count - failed} of ${count}; ${failed} refused`;
  return { traceId, rows, summary };
}
