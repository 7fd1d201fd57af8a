// The durable health of an endpoint (a postback's URL): failure streak, last success and failure,
// and the switch that disables it after 410 or a long streak. Disabling HOLDS its deliveries:
// a receiver that comes back gets them after "release held", none is ever dropped.
import type { Db } from '../db/database.types.ts';
import type { EventLog } from '../shared/log-after-commit.ts';
import { holdPendingDeliveries, releaseHeldForPostback } from './delivery.repository.ts';
import {
  addEndpointFailures,
  type EndpointSuccess,
  findEndpointHealth,
  markEndpointDisabled,
  writeEndpointSuccesses,
} from './endpoint-health.repository.ts';

export interface HealthPolicy {
  /** Tell the operator an endpoint is failing once its streak reaches this. */
  failingNoticeAfter: number;
  /** Disable only after at least this many consecutive failures … */
  disableAfterFailures: number;
  /** … and no success for this long (a sporadic failure never disables). */
  disableAfterSilenceMs: number;
}

export const DEFAULT_HEALTH_POLICY: Readonly<HealthPolicy> = Object.freeze({
  failingNoticeAfter: 4,
  disableAfterFailures: 100,
  disableAfterSilenceMs: 72 * 60 * 60 * 1000,
});

export interface EndpointOutcome {
  postbackId: number;
  ok: boolean;
  /** The receiver answered 410 Gone: disable at once. */
  gone: boolean;
  /** Why it is gone when not a 410 (an ad platform refusing the destination's token). */
  goneReason?: string;
  at: number;
}

async function disableEndpoint(db: Db, postbackId: number, reason: string, now: number): Promise<number> {
  await markEndpointDisabled(db, postbackId, reason, now);
  return holdPendingDeliveries(db, postbackId, now);
}

/**
 * Folds a batch of attempt outcomes (in the order they happened) into each endpoint's health and
 * disables endpoints that qualify. Returns the ids of the batch's endpoints that are now disabled
 * (just now, or already before), so the caller holds instead of rescheduling their deliveries.
 */
export async function recordEndpointHealth(
  db: Db,
  outcomes: readonly EndpointOutcome[],
  now: number,
  policy: HealthPolicy,
  /** Inside a transaction, a LogAfterCommit: the notices stand only once it commits. */
  log: EventLog,
): Promise<Set<number>> {
  const byEndpoint = new Map<number, EndpointOutcome[]>();
  for (const o of outcomes) {
    const list = byEndpoint.get(o.postbackId) ?? [];
    list.push(o);
    byEndpoint.set(o.postbackId, list);
  }
  const disabled = new Set<number>();
  if (byEndpoint.size === 0) return disabled;
  const recovered: EndpointSuccess[] = [];
  const rows = await findEndpointHealth(db, [...byEndpoint.keys()]);
  for (const row of rows) {
    const list = byEndpoint.get(row.id) ?? [];
    let lastOk = -1;
    list.forEach((o, i) => {
      if (o.ok) lastOk = i;
    });
    const failures = list.filter((o) => !o.ok);
    const lastFailureAt = failures.length > 0 ? failures[failures.length - 1].at : undefined;
    const previous = row.failure_streak;
    let streak: number;
    let lastSuccessAt = row.last_success_at;
    if (lastOk >= 0) {
      streak = list.length - 1 - lastOk;
      lastSuccessAt = list[lastOk].at;
      recovered.push({ id: row.id, streak, lastSuccessAt: list[lastOk].at, lastFailureAt });
    } else {
      streak = previous + failures.length;
      await addEndpointFailures(db, row.id, failures.length, lastFailureAt ?? now);
    }
    const notice = { postbackId: row.id, failureStreak: streak };
    if (previous < policy.failingNoticeAfter && streak >= policy.failingNoticeAfter) {
      log.warn({ event: 'endpoint.failing', ...notice }, 'endpoint.failing');
    } else if (previous >= policy.failingNoticeAfter && lastOk >= 0) {
      log.info({ event: 'endpoint.recovered', ...notice }, 'endpoint.recovered');
    }
    if (row.state === 'disabled') {
      disabled.add(row.id);
      continue;
    }
    const silentSince = lastSuccessAt ?? row.created_at;
    const gone = list.find((o) => o.gone);
    const reason = gone
      ? (gone.goneReason ?? 'receiver answered 410 Gone')
      : streak >= policy.disableAfterFailures && now - silentSince >= policy.disableAfterSilenceMs
        ? `${streak} consecutive failures and no success since ${new Date(silentSince).toISOString()}`
        : undefined;
    if (reason) {
      const held = await disableEndpoint(db, row.id, reason, now);
      disabled.add(row.id);
      log.warn({ event: 'endpoint.disabled', ...notice, reason, held }, 'endpoint.disabled');
    }
  }
  await writeEndpointSuccesses(db, recovered);
  return disabled;
}

/** "Release held": a re-enabled endpoint's held deliveries become due now. Returns how many. */
export async function releaseHeldDeliveries(db: Db, postbackId: number, now: number): Promise<number> {
  return releaseHeldForPostback(db, postbackId, now);
}

/**
 * Operator switch. Enabling clears the disabled state and streak (held deliveries stay held until
 * released); disabling holds the endpoint's pending deliveries. Returns false when no such postback.
 */
export async function setEndpointEnabled(
  db: Db,
  postbackId: number,
  enabled: boolean,
  now: number,
): Promise<boolean> {
  if (!enabled) {
    const found = await db
      .selectFrom('postbacks')
      .select('id')
      .where('id', '=', postbackId)
      .executeTakeFirst();
    if (!found) return false;
    await disableEndpoint(db, postbackId, 'disabled by operator', now);
    return true;
  }
  const result = await db
    .updateTable('postbacks')
    .set({ state: 'active', disabled_reason: null, disabled_at: null, failure_streak: 0, updated_at: now })
    .where('id', '=', postbackId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
