// Stage 3 for ad-platform postbacks: a batch of claimed deliveries of ONE destination, sent as one
// request. Each delivery still gets its own outcome and attempt row (with only its own event in the
// recorded body); the platform's per-event answer decides each one. Writes nothing itself.

import {
  type DestinationSettings,
  type EventMapEntry,
  isPlatformKind,
  type PlatformKind,
  parseEventMap,
} from '../../integrations/common/destination-settings.ts';
import type {
  ConversionFacts,
  PlatformEndpoints,
  PlatformPost,
  RowVerdict,
  SentBatch,
} from '../../integrations/common/platform.types.ts';
import { openCredentials } from '../../integrations/credential-box.ts';
import { DESTINATIONS, platformEventFor } from '../../integrations/destinations.ts';
import type { PlatformDeliveryContext, WorkContext } from '../prepare/delivery-context.repository.ts';
import { createSender } from '../transport/http-sender.ts';
import type { AttemptResult, AttemptVerdict, Sender } from '../transport/outbound.types.ts';
import { judgeAttempt } from '../transport/retry-policy.ts';
import { type AttemptDeps, type AttemptMode, logAttempt, logPlatformRequest } from './delivery-attempt.ts';
import { buildAttemptRow, type DeliveryOutcome } from './delivery-outcomes.ts';
import type { QueuedDelivery } from './endpoint-queue.ts';

export interface PlatformDeps {
  endpoints: PlatformEndpoints;
  /** A sender whose responses may be large (a 2 000-row answer); its targets come from the config. */
  sender: Sender;
  secretKey: string | undefined;
  timeoutMs: number;
}

/** The platform deps of a process: its config's endpoints and key, and a sender for their answers. */
export function createPlatformDeps(
  config: PlatformEndpoints & {
    secretKey: string | undefined;
    attemptTimeoutMs: number;
    platformInflightRequests: number;
  },
  userAgent: string,
): PlatformDeps {
  return {
    endpoints: config,
    // Ad platforms' addresses come from the install's configuration, never from a postback.
    sender: createSender({
      allowPrivateTargets: true,
      allowedTargets: [],
      userAgent,
      maxResponseBytes: 4 * 1024 * 1024,
      connectionsPerOrigin: config.platformInflightRequests,
    }),
    secretKey: config.secretKey,
    timeoutMs: config.attemptTimeoutMs,
  };
}

/** What is kept of a platform's answer on an attempt (the delivery screens show it). */
const MAX_RECORDED_ANSWER = 20_000;

/** Row i's attempt result: the batch's answer, with that row's own verdict and message. */
export function attemptResultOf(sent: SentBatch, i: number, durationMs: number): AttemptResult {
  const row = sent.answer.rows[i];
  const { response } = sent;
  const failedClass =
    response.statusCode === 0 ? (response.errorClass as AttemptResult['errorClass']) : 'http';
  return {
    statusCode: response.statusCode,
    responseExcerpt: response.body.slice(0, MAX_RECORDED_ANSWER),
    responseTruncated: response.body.length > MAX_RECORDED_ANSWER,
    durationMs,
    errorClass: row.ok ? null : (failedClass ?? 'http'),
    errorMessage: row.ok ? null : row.message,
    traceId: sent.answer.traceId,
  };
}

/** Row i's request as recorded: the envelope with only its own event, secrets redacted. */
export function recordedRequestOf(sent: SentBatch, i: number) {
  return {
    url: sent.recordedUrl,
    method: 'POST' as const,
    headers: sent.recordedHeaders,
    body: sent.recordedBodyFor(i),
  };
}

/** How many deliveries of this endpoint one request may carry (1 = not an ad platform). */
export function batchMaxOf(context: WorkContext | undefined): number {
  const kind = context?.postback.kind;
  return kind && isPlatformKind(kind) ? DESTINATIONS[kind].batchMax : 1;
}

/** The facts a platform may be told about one conversion event. */
export function conversionFacts(context: PlatformDeliveryContext, eventName: string): ConversionFacts {
  const { conversion, event, click, offer, delivery, postback } = context;
  const value =
    postback.value_source === 'revenue'
      ? conversion.revenue
      : postback.value_source === 'sale_amount'
        ? conversion.sale_amount
        : event.payout;
  const landing = /^https?:\/\/[^{}[\]#\s]+$/.test(offer.url.split('?')[0]) ? offer.url.split('?')[0] : null;
  return {
    deliveryId: delivery.id,
    conversionId: conversion.id,
    eventName,
    value: value === null || value === undefined ? null : Number(value),
    currency: conversion.currency,
    occurredAt: event.created_at,
    landingUrl: landing,
    reversal: event.to_status === 'reversed',
    click: click && {
      createdAt: click.created_at,
      ip: click.ip,
      userAgent: click.user_agent,
      referrer: click.referrer,
      externalId: click.external_id,
      fbclid: click.fbclid,
      fbp: click.fbp,
      ttclid: click.ttclid,
      gclid: click.gclid,
      gbraid: click.gbraid,
      wbraid: click.wbraid,
    },
  };
}

export function platformPost(sender: Sender, timeoutMs: number): PlatformPost {
  return async (request) => {
    const method = request.method ?? 'POST';
    const result = await sender.send({
      ...request,
      method,
      body: method === 'GET' ? undefined : request.body,
      timeoutMs,
    });
    return {
      statusCode: result.statusCode,
      body: result.responseExcerpt,
      errorClass: result.statusCode === 0 ? result.errorClass : null,
      errorMessage: result.errorMessage,
      retryAfterMs: result.retryAfterMs,
    };
  };
}

/** A row's verdict in the engine's terms: retried on the schedule, failed, or the destination disabled. */
function verdictOf(
  row: RowVerdict,
  attemptNo: number,
  deps: AttemptDeps,
  retryAfterMs?: number,
): AttemptVerdict {
  if (row.ok && row.confirmLater) {
    const { requestId, checkAfterMs, resendAfterMs } = row.confirmLater;
    const now = deps.clock.now();
    return { kind: 'awaiting', requestId, checkAt: now + checkAfterMs, resendAt: now + resendAfterMs };
  }
  if (row.ok) return { kind: 'succeeded' };
  if (row.kind === 'token') return { kind: 'disable', reason: row.message };
  if (row.kind === 'failed') return { kind: 'failed', reason: row.message };
  const transient: AttemptResult = {
    statusCode: row.throttled ? 429 : 503,
    responseExcerpt: '',
    responseTruncated: false,
    durationMs: 0,
    errorClass: 'http',
    errorMessage: row.message,
    retryAfterMs,
  };
  const verdict = judgeAttempt(transient, attemptNo, {
    schedule: deps.retrySchedule,
    retry4xx: true,
    jitter: deps.jitter,
    minDelayAfterThrottleMs: deps.minDelayAfterThrottleMs,
  });
  return verdict.kind === 'failed'
    ? { kind: 'failed', reason: `${row.message}; ${verdict.reason}` }
    : verdict;
}

/** Opens a destination's settings and secrets; undefined when they cannot be read (no or wrong key). */
export function openDestination(
  context: Pick<WorkContext, 'postback'>,
  secretKey: string | undefined,
): { settings: DestinationSettings; secrets: Record<string, string> } | { error: string } {
  try {
    const settings = JSON.parse(context.postback.destination ?? '{}') as DestinationSettings;
    const secrets = context.postback.credentials
      ? openCredentials(secretKey, context.postback.credentials)
      : {};
    return { settings, secrets };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

export async function runPlatformBatch(
  deps: AttemptDeps,
  platform: PlatformDeps,
  items: QueuedDelivery[],
  mode: AttemptMode = { trigger: 'scheduled' },
): Promise<DeliveryOutcome[]> {
  const manual = mode.trigger === 'manual' ? mode : undefined;
  const now = deps.clock.now();
  const outcomes: DeliveryOutcome[] = [];
  const ready: Array<{ item: QueuedDelivery & { context: WorkContext }; event: unknown }> = [];
  const first = items.find((i) => i.context)?.context;
  const kind = first?.postback.kind as PlatformKind;
  const destination = DESTINATIONS[kind];
  const opened = first ? openDestination(first, platform.secretKey) : undefined;
  // A batch's deliveries share their postback, and so (unless it was edited between claims) its map.
  const eventMaps = new Map<string, EventMapEntry[]>();
  const eventMapOf = (text: string) => {
    const known = eventMaps.get(text);
    if (known) return known;
    const map = parseEventMap(text);
    eventMaps.set(text, map);
    return map;
  };
  for (const item of items) {
    const claimed = { delivery: item.delivery, claimId: item.claimId };
    const context = item.context;
    if (!context) {
      outcomes.push({
        ...claimed,
        kind: 'unsendable',
        reason: 'its postback or conversion no longer exists',
      });
      continue;
    }
    if (context.postback.state === 'disabled') {
      outcomes.push({
        ...claimed,
        kind: 'held',
        reason: context.postback.disabled_reason ?? 'endpoint disabled',
      });
      continue;
    }
    if (!opened || 'error' in opened) {
      outcomes.push({
        ...claimed,
        kind: 'held',
        reason: `destination credentials: ${opened?.error ?? 'missing'}`,
      });
      continue;
    }
    // Ledger entries are queued for URL postbacks only; an ad platform hears of conversions alone.
    if (!context.conversion) {
      outcomes.push({ ...claimed, kind: 'skipped', reason: 'not a conversion event' });
      continue;
    }
    const mapped = platformEventFor(
      eventMapOf(context.postback.event_map),
      context.event.to_status,
      context.conversion.goal,
    );
    if ('skip' in mapped) {
      outcomes.push({ ...claimed, kind: 'skipped', reason: mapped.skip });
      continue;
    }
    const built = destination.build(conversionFacts(context, mapped.eventName), opened.settings, now);
    if ('skip' in built) outcomes.push({ ...claimed, kind: 'skipped', reason: built.skip });
    else ready.push({ item: item as QueuedDelivery & { context: WorkContext }, event: built.event });
  }
  if (ready.length === 0 || !opened || 'error' in opened) return outcomes;
  const key = String(ready[0].item.delivery.postback_id);
  const gate = manual ? { allowed: true as const } : deps.breaker.check(key, now);
  if (!gate.allowed) {
    for (const { item } of ready)
      outcomes.push({
        delivery: item.delivery,
        claimId: item.claimId,
        kind: 'deferred',
        nextRunAt: gate.retryAt,
      });
    return outcomes;
  }
  const started = deps.clock.now();
  const sent: SentBatch = await destination.send(
    ready.map((r) => r.event),
    opened.settings,
    opened.secrets,
    {
      endpoints: platform.endpoints,
      post: platformPost(platform.sender, first?.postback.timeout_ms ?? platform.timeoutMs),
      now,
      test: false,
    },
  );
  const finishedAt = deps.clock.now();
  deps.breaker.record(
    key,
    sent.answer.rows.some((r) => r.ok),
    finishedAt,
  );
  let succeeded = 0;
  ready.forEach(({ item }, i) => {
    const row = sent.answer.rows[i];
    const attemptNo = manual?.attemptNo ?? item.delivery.attempts + 1;
    const result = attemptResultOf(sent, i, finishedAt - started);
    const recorded = recordedRequestOf(sent, i);
    const verdict = verdictOf(row, manual ? 1 : attemptNo, deps, sent.response.retryAfterMs);
    // A confirmed event is told by its request's line; each one that was not gets its own.
    if (verdict.kind === 'succeeded') succeeded += 1;
    else
      logAttempt(deps, item.delivery, {
        attemptNo,
        trigger: mode.trigger,
        result,
        verdict,
        batch: ready.length,
      });
    outcomes.push({
      delivery: item.delivery,
      claimId: item.claimId,
      kind: 'attempted',
      trigger: mode.trigger,
      attempt: buildAttemptRow(item.delivery, mode.trigger, attemptNo, recorded, result, finishedAt),
      result,
      verdict,
      ...(manual && { restoreStatus: manual.restoreStatus }),
    });
  });
  logPlatformRequest(deps, {
    postbackId: ready[0].item.delivery.postback_id,
    trigger: mode.trigger,
    statusCode: sent.response.statusCode,
    durationMs: finishedAt - started,
    traceId: sent.answer.traceId ?? null,
    batch: ready.length,
    succeeded,
  });
  return outcomes;
}
