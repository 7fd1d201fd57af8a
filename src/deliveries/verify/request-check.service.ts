// Settles deliveries an ad platform took for processing (Google Data Manager answers events:ingest
// with a requestId and reports later): asks the platform about each due request, then marks every
// delivery of it succeeded, failed, due again, or held (credentials refused), recording the answer
// as an attempt row. Runs as a periodic job; never blocks the worker's batches.
import type { Logger } from 'pino';
import type { Db } from '../../db/database.types.ts';
import { isPlatformKind } from '../../integrations/common/destination-settings.ts';
import type {
  PlatformEndpoints,
  PlatformPost,
  RequestCheck,
} from '../../integrations/common/platform.types.ts';
import { REDACTED } from '../../integrations/common/platform.types.ts';
import { openCredentials } from '../../integrations/credential-box.ts';
import { DESTINATIONS } from '../../integrations/destinations.ts';
import { LogAfterCommit } from '../../shared/log-after-commit.ts';
import { type ClaimedPatch, insertAttempts } from '../delivery.repository.ts';
import type { NewDeliveryAttemptRow } from '../delivery.table.ts';
import { type HealthPolicy, recordEndpointHealth } from '../endpoint-health.ts';
import {
  deleteRequestChecks,
  findAwaitedDeliveries,
  findCheckedDestination,
  findDueRequestChecks,
  postponeRequestCheck,
  settleAwaitedDeliveries,
} from './request-check.repository.ts';
import type { PlatformRequestCheckRow } from './request-check.table.ts';

export interface RequestCheckDeps {
  db: Db;
  log: Logger;
  endpoints: PlatformEndpoints;
  post: PlatformPost;
  secretKey: string | undefined;
  health: HealthPolicy;
}

/** Still processing: asked again after 1, 2, 4 … minutes, at most hourly. */
export function nextCheckDelayMs(checks: number): number {
  return Math.min(60 * 60_000, 60_000 * 2 ** Math.min(checks, 6));
}

const MAX_RECORDED_ANSWER = 20_000;

function patchOf(check: RequestCheck, now: number): ClaimedPatch {
  const code = check.response.statusCode;
  if (check.state === 'unknown')
    return {
      status: 'pending',
      next_run_at: now,
      last_status_code: code,
      last_error: `${check.summary}; sent again`,
    };
  const v = check.verdict;
  if (v.ok) return { status: 'succeeded', completed_at: now, last_status_code: code, last_error: null };
  if (v.kind === 'retry')
    return { status: 'pending', next_run_at: now, last_status_code: code, last_error: v.message };
  if (v.kind === 'token') return { status: 'held', last_status_code: code, last_error: v.message };
  return { status: 'failed', completed_at: now, last_status_code: code, last_error: v.message };
}

function attemptRow(
  check: RequestCheck,
  requestId: string,
  d: { id: string; postback_id: number; attempts: number },
  now: number,
  durationMs: number,
): NewDeliveryAttemptRow {
  const { response, verdict } = check;
  const failed = check.state === 'unknown' || !verdict.ok;
  const body = response.body;
  return {
    delivery_id: d.id,
    postback_id: d.postback_id,
    // The report belongs to the attempt that sent the request.
    attempt_no: d.attempts,
    trigger: 'scheduled',
    url: check.recordedUrl,
    method: 'GET',
    request_headers: JSON.stringify({ authorization: `Bearer ${REDACTED}` }),
    request_body: null,
    status_code: response.statusCode,
    response_excerpt: body ? body.slice(0, MAX_RECORDED_ANSWER) : null,
    response_truncated: body.length > MAX_RECORDED_ANSWER ? 1 : 0,
    duration_ms: durationMs,
    error_class: failed ? (response.statusCode === 0 ? (response.errorClass as 'timeout') : 'http') : null,
    error_message: failed ? check.summary : null,
    created_at: now,
    trace_id: requestId,
  };
}

async function checkOne(
  deps: RequestCheckDeps,
  requestId: string,
  checks: PlatformRequestCheckRow[],
  now: number,
): Promise<'settled' | 'processing' | 'dropped'> {
  const { db } = deps;
  const current = await findAwaitedDeliveries(
    db,
    checks.map((c) => c.delivery_id),
  );
  const attemptOf = new Map(checks.map((c) => [c.delivery_id, c.attempt_no]));
  const live = current.filter(
    (d) => d.status === 'pending' && d.claim_id === null && Number(d.attempts) === attemptOf.get(d.id),
  );
  const liveIds = new Set(live.map((d) => d.id));
  await deleteRequestChecks(
    db,
    checks.map((c) => c.delivery_id).filter((id) => !liveIds.has(id)),
  );
  if (live.length === 0) return 'dropped';
  const postback = await findCheckedDestination(db, checks[0].postback_id);
  const destination = postback && isPlatformKind(postback.kind) ? DESTINATIONS[postback.kind] : undefined;
  if (!postback || !destination?.checkRequest) {
    await deleteRequestChecks(db, [...liveIds]);
    return 'dropped';
  }
  let opened: { settings: Record<string, unknown>; secrets: Record<string, string> };
  try {
    opened = {
      settings: JSON.parse(postback.destination ?? '{}'),
      secrets: postback.credentials ? openCredentials(deps.secretKey, postback.credentials) : {},
    };
  } catch (error) {
    deps.log.warn({ err: error, postbackId: postback.id }, 'request check: credentials cannot be read');
    await postponeRequestCheck(db, requestId, checks[0].checks, now + nextCheckDelayMs(checks[0].checks));
    return 'processing';
  }
  const started = Date.now();
  const check = await destination.checkRequest(requestId, opened.settings, opened.secrets, {
    endpoints: deps.endpoints,
    post: deps.post,
    now,
    test: false,
  });
  if (check.state === 'processing') {
    const n = checks[0].checks + 1;
    await postponeRequestCheck(db, requestId, n, now + nextCheckDelayMs(n));
    return 'processing';
  }
  const durationMs = Date.now() - started;
  const events = new LogAfterCommit();
  await db.transaction().execute(async (trx) => {
    const rows = live.map((d) =>
      attemptRow(
        check,
        requestId,
        { id: d.id, postback_id: Number(d.postback_id), attempts: Number(d.attempts) },
        now,
        durationMs,
      ),
    );
    await insertAttempts(trx, rows);
    await settleAwaitedDeliveries(trx, [...liveIds], now, patchOf(check, now));
    if (check.state === 'settled' && !check.verdict.ok && check.verdict.kind === 'token') {
      const health = [
        { postbackId: postback.id, ok: false, gone: true, goneReason: check.verdict.message, at: now },
      ];
      await recordEndpointHealth(trx, health, now, deps.health, events);
    }
    await deleteRequestChecks(trx, [...liveIds]);
  });
  events.writeTo(deps.log);
  return 'settled';
}

/**
 * Checks the due requests (whole requests, up to `limit`); returns how many settled or are still
 * processing. `dueWithinMs` also checks those due that much later (asking early is harmless).
 */
export async function checkAwaitedRequests(
  deps: RequestCheckDeps,
  now: number,
  o: { limit?: number; dueWithinMs?: number } = {},
): Promise<{ settled: number; processing: number }> {
  const due = await findDueRequestChecks(deps.db, now + (o.dueWithinMs ?? 0), o.limit ?? 100);
  const byRequest = new Map<string, PlatformRequestCheckRow[]>();
  for (const row of due) byRequest.set(row.request_id, [...(byRequest.get(row.request_id) ?? []), row]);
  let settled = 0;
  let processing = 0;
  for (const [requestId, checks] of byRequest) {
    const outcome = await checkOne(deps, requestId, checks, now);
    if (outcome === 'settled') settled += 1;
    if (outcome === 'processing') processing += 1;
  }
  return { settled, processing };
}
