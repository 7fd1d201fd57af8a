// "Why did (or didn't) this conversion fire this postback?" — the troubleshooting list of the
// guides (offer-level override, wrong event type selected, postback not saved/enabled, endpoint
// down) run as checks against the stored facts, each answered pass/fail in plain words.
import type { Principal } from '../../auth/principal.ts';
import type { ConversionEventRow, ConversionRow } from '../../conversions/conversion.table.ts';
import { findPostbacksForOffer, loadOwnPostback } from '../../postbacks/postback.service.ts';
import type { PostbackRow } from '../../postbacks/postback.table.ts';
import {
  type FiringVerdict,
  firesForStatus,
  judgeFiring,
  postbackStatuses,
  scopeLevelFor,
} from '../../postbacks/postback-matching.ts';
import type { AppContext } from '../../server/app-context.ts';
import { notFound } from '../../shared/errors.ts';
import {
  findConversionForDiagnosis,
  listDeliveriesOfPair,
  listEventsOfConversion,
  listLastAttempts,
} from './diagnose.repository.ts';

export interface DiagnosisCheck {
  check: 'publisher' | 'scope' | 'override' | 'status_filter' | 'enabled' | 'endpoint' | 'deliveries';
  pass: boolean;
  message: string;
}

export interface EventDiagnosis {
  eventId: number;
  fromStatus: string | null;
  toStatus: string;
  at: number;
  statusAllowed: boolean;
  overriddenBy: number | null;
  /** What the current settings say; `deliveryId` says what actually happened. */
  wouldFire: boolean;
  deliveryId: string | null;
}

export interface Diagnosis {
  postbackId: number;
  conversionId: string;
  summary: string;
  checks: DiagnosisCheck[];
  events: EventDiagnosis[];
  deliveries: {
    id: string;
    eventId: number;
    status: string;
    attempts: number;
    lastStatusCode: number | null;
    lastError: string | null;
    createdAt: number;
  }[];
  lastAttempts: {
    deliveryId: string | null;
    attemptNo: number;
    trigger: string;
    statusCode: number;
    errorClass: string | null;
    errorMessage: string | null;
    durationMs: number;
    createdAt: number;
  }[];
}

function describeScope(postback: PostbackRow): string {
  if (postback.scope === 'global') return 'a global postback (every offer of the publisher)';
  if (postback.scope === 'offer') return `an offer postback for offer ${postback.offer_id}`;
  if (postback.scope === 'link')
    return `a link postback for link ${postback.link_id} (offer ${postback.offer_id})`;
  return `a goal postback for offer ${postback.offer_id}, goal "${postback.goal}"`;
}

function scopeCheck(postback: PostbackRow, conversion: ConversionRow): DiagnosisCheck {
  // Judged as if the publisher matched, so each check names one problem.
  const level = scopeLevelFor(postback, { ...conversion, publisher_id: postback.publisher_id });
  const where = `offer ${conversion.offer_id}, goal "${conversion.goal}"`;
  return level
    ? {
        check: 'scope',
        pass: true,
        message: `It is ${describeScope(postback)}; the conversion (${where}) is in scope.`,
      }
    : {
        check: 'scope',
        pass: false,
        message: `It is ${describeScope(postback)}; the conversion is on ${where}, outside its scope.`,
      };
}

function overrideCheck(
  postback: PostbackRow,
  overrides: Map<number, PostbackRow>,
  events: ConversionEventRow[],
): DiagnosisCheck {
  if (postback.fire_with_specific === 1) {
    return {
      check: 'override',
      pass: true,
      message: 'fireWithSpecific is on: it fires even where a more specific postback fires.',
    };
  }
  const hit = events.filter((e) => overrides.has(e.id));
  if (hit.length === 0) {
    return {
      check: 'override',
      pass: true,
      message: 'No more specific postback of this publisher takes precedence.',
    };
  }
  const by = overrides.get(hit[0].id) as PostbackRow;
  const statuses = [...new Set(hit.map((e) => e.to_status))].join(', ');
  return {
    check: 'override',
    pass: false,
    message: `Overridden by postback ${by.id}, ${describeScope(by)}, for ${statuses}: the most specific postback wins. Turn on fireWithSpecific to fire both.`,
  };
}

function statusCheck(postback: PostbackRow, events: ConversionEventRow[]): DiagnosisCheck {
  const allowed = [...postbackStatuses(postback)].join(', ') || 'nothing';
  if (events.length === 0)
    return { check: 'status_filter', pass: false, message: 'The conversion has no events yet.' };
  const parts = events.map(
    (e) => `${e.to_status} ${firesForStatus(postback, e.to_status) ? 'fires' : 'is not selected'}`,
  );
  const pass = events.some((e) => firesForStatus(postback, e.to_status));
  const hint = pass
    ? ''
    : ' Add the status to the postback, or wait for the conversion to reach one it fires for.';
  return {
    check: 'status_filter',
    pass,
    message: `It fires for ${allowed}. Events: ${parts.join('; ')}.${hint}`,
  };
}

export async function diagnosePostback(
  ctx: AppContext,
  principal: Principal,
  postbackId: number,
  conversionId: string,
): Promise<Diagnosis> {
  const db = ctx.store.db;
  const postback = await loadOwnPostback(ctx, principal, postbackId);
  const conversion = await findConversionForDiagnosis(db, conversionId);
  if (!conversion || (principal.role === 'publisher' && conversion.publisher_id !== principal.publisherId)) {
    throw notFound('conversion');
  }
  const [events, siblings, deliveries] = await Promise.all([
    listEventsOfConversion(db, conversion.id),
    findPostbacksForOffer(db, conversion.publisher_id, conversion.offer_id),
    listDeliveriesOfPair(db, conversion.id, postback.id),
  ]);
  const attempts = await listLastAttempts(
    db,
    deliveries.map((d) => d.id),
    5,
  );
  const samePublisher = conversion.publisher_id === postback.publisher_id;
  // The outbox's own rule, event by event: what diagnose says is what the enqueue path does.
  const verdicts = new Map<number, FiringVerdict<PostbackRow>>();
  const overrides = new Map<number, PostbackRow>();
  for (const event of events) {
    const verdict = judgeFiring(postback, siblings, conversion, event.to_status);
    verdicts.set(event.id, verdict);
    if (!verdict.fires && verdict.reason === 'overridden') overrides.set(event.id, verdict.winner);
  }
  const deliveryByEvent = new Map(deliveries.map((d) => [d.conversion_event_id, d.id]));

  const checks: DiagnosisCheck[] = [
    samePublisher
      ? {
          check: 'publisher',
          pass: true,
          message: `The conversion belongs to publisher ${conversion.publisher_id}, the postback's publisher.`,
        }
      : {
          check: 'publisher',
          pass: false,
          message: `The conversion belongs to publisher ${conversion.publisher_id}; this postback is publisher ${postback.publisher_id}'s.`,
        },
    scopeCheck(postback, conversion),
    overrideCheck(postback, overrides, events),
    statusCheck(postback, events),
    postback.enabled === 1
      ? { check: 'enabled', pass: true, message: 'The postback is switched on.' }
      : {
          check: 'enabled',
          pass: false,
          message: 'The postback is switched off (enabled = false): it owes nothing while off.',
        },
    postback.state === 'active'
      ? {
          check: 'endpoint',
          pass: true,
          message: `The endpoint is active (current failure streak ${postback.failure_streak}).`,
        }
      : {
          check: 'endpoint',
          pass: false,
          message: `The endpoint is disabled (${postback.disabled_reason ?? 'no reason recorded'}): its deliveries are held. Enable it with releaseHeld to send them.`,
        },
    deliveries.length > 0
      ? {
          check: 'deliveries',
          pass: deliveries.some((d) => d.status === 'succeeded'),
          message: deliveries
            .map(
              (d) =>
                `${d.id}: ${d.status} after ${d.attempts} attempt(s)${d.last_status_code ? `, last answer ${d.last_status_code}` : ''}${d.last_error ? ` (${d.last_error})` : ''}`,
            )
            .join('; '),
        }
      : { check: 'deliveries', pass: false, message: 'No delivery exists for this conversion and postback.' },
  ];
  const failed = checks.filter((c) => !c.pass);
  const summary =
    failed.length === 0
      ? 'Every check passes: the postback fired and was delivered.'
      : `Look at: ${failed.map((c) => c.check).join(', ')}. ${failed[0].message}`;

  return {
    postbackId: postback.id,
    conversionId: conversion.id,
    summary,
    checks,
    events: events.map((e) => {
      const statusAllowed = firesForStatus(postback, e.to_status);
      const overriddenBy = overrides.get(e.id)?.id ?? null;
      return {
        eventId: e.id,
        fromStatus: e.from_status,
        toStatus: e.to_status,
        at: e.created_at,
        statusAllowed,
        overriddenBy,
        wouldFire: verdicts.get(e.id)?.fires === true,
        deliveryId: deliveryByEvent.get(e.id) ?? null,
      };
    }),
    deliveries: deliveries.map((d) => ({
      id: d.id,
      // Found by conversion: always a conversion event's delivery.
      eventId: Number(d.conversion_event_id),
      status: d.status,
      attempts: d.attempts,
      lastStatusCode: d.last_status_code,
      lastError: d.last_error,
      createdAt: d.created_at,
    })),
    lastAttempts: attempts.map((a) => ({
      deliveryId: a.delivery_id,
      attemptNo: a.attempt_no,
      trigger: a.trigger,
      statusCode: a.status_code,
      errorClass: a.error_class,
      errorMessage: a.error_message,
      durationMs: a.duration_ms,
      createdAt: a.created_at,
    })),
  };
}
