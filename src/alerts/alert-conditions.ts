// What each kind of rule watches and when it is breached. A condition only reads; the evaluator
// (alert-evaluator.ts) decides what a breach means for the rule's state.
import type { Db } from '../db/database.types.ts';
import { readOldestPendingAge } from '../deliveries/queue-stats.ts';
import type { RuleKind, TargetType } from './alert.table.ts';
import {
  countAttempts,
  countClicks,
  countConversions,
  countInbound,
  type DeliveryScope,
  listDisabledEndpoints,
  type TrafficScope,
  type Window,
} from './alert-figures.repository.ts';
import type { AlertRule } from './alert-rule.view.ts';

export interface Verdict {
  breached: boolean;
  /** The figure judged (a count, a percentage, minutes), for the history and the message. */
  value: number | null;
  text: string;
}

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
const TRAFFIC_TARGETS: readonly TargetType[] = ['all', 'advertiser', 'offer', 'publisher'];
// An ad-platform destination is a postback of a platform kind: it is watched as its postback.
const DELIVERY_TARGETS: readonly TargetType[] = ['all', 'publisher', 'postback', 'destination'];

/** Which targets each kind can watch. */
export const KIND_TARGETS: Record<RuleKind, readonly TargetType[]> = {
  clicks_drop: TRAFFIC_TARGETS,
  conversions_drop: TRAFFIC_TARGETS,
  clicks_spike: TRAFFIC_TARGETS,
  conversions_spike: TRAFFIC_TARGETS,
  cr_band: TRAFFIC_TARGETS,
  reversal_rate: TRAFFIC_TARGETS,
  delivery_failure_rate: DELIVERY_TARGETS,
  endpoint_disabled: DELIVERY_TARGETS,
  oldest_pending: DELIVERY_TARGETS,
  inbound_rejection_rate: ['all', 'advertiser'],
};

/** The least sample a rate is judged on, when the rule does not say. */
export const DEFAULT_MIN_SAMPLE = 20;

function trafficScope(rule: AlertRule): TrafficScope {
  const { type, id } = rule.target;
  if (type === 'advertiser' || type === 'offer' || type === 'publisher')
    return { column: `${type}_id`, id: id ?? undefined };
  return {};
}

function deliveryScope(rule: AlertRule): DeliveryScope {
  const { type, id } = rule.target;
  if (type === 'postback' || type === 'destination') return { column: 'postback_id', id: id ?? undefined };
  if (type === 'publisher') return { column: 'publisher_id', id: id ?? undefined };
  return {};
}

const pct = (part: number, whole: number) => (whole === 0 ? 0 : (part / whole) * 100);
const round = (v: number) => Math.round(v * 100) / 100;

async function countOf(db: Db, rule: AlertRule, w: Window): Promise<number> {
  const scope = trafficScope(rule);
  return rule.kind.startsWith('clicks')
    ? countClicks(db, scope, w)
    : (await countConversions(db, scope, w)).total;
}

/** Drops and spikes: this window against the same window a week earlier. */
async function compareWithLastWeek(db: Db, rule: AlertRule, w: Window): Promise<Verdict> {
  const what = rule.kind.startsWith('clicks') ? 'clicks' : 'conversions';
  const [current, baseline] = await Promise.all([
    countOf(db, rule, w),
    countOf(db, rule, { from: w.from - WEEK_MS, to: w.to - WEEK_MS }),
  ]);
  const p = rule.params;
  const text = `${current} ${what} in the last ${rule.windowMinutes} min; ${baseline} in the same window last week`;
  // A target with no traffic in the baseline has nothing to drop from (and nothing to spike above).
  if (baseline < (p.minBaseline ?? 1)) return { breached: false, value: current, text };
  if (rule.kind.endsWith('_drop')) {
    const fraction = p.fraction ?? 0;
    const breached = fraction === 0 ? current === 0 : current < fraction * baseline;
    return { breached, value: current, text };
  }
  return { breached: current > (p.factor ?? 3) * baseline, value: current, text };
}

async function rate(
  sample: { part: number; whole: number },
  rule: AlertRule,
  words: { part: string; whole: string },
): Promise<Verdict> {
  const value = round(pct(sample.part, sample.whole));
  const text = `${value} % ${words.part} (${sample.part} of ${sample.whole} ${words.whole}) in the last ${rule.windowMinutes} min`;
  if (sample.whole < (rule.params.minSample ?? DEFAULT_MIN_SAMPLE)) return { breached: false, value, text };
  return { breached: value > (rule.params.percent ?? 100), value, text };
}

export async function evaluateCondition(db: Db, rule: AlertRule, now: number): Promise<Verdict> {
  const w: Window = { from: now - rule.windowMinutes * 60_000, to: now };
  switch (rule.kind) {
    case 'clicks_drop':
    case 'conversions_drop':
    case 'clicks_spike':
    case 'conversions_spike':
      return compareWithLastWeek(db, rule, w);
    case 'cr_band': {
      const scope = trafficScope(rule);
      const [clicks, conversions] = await Promise.all([
        countClicks(db, scope, w),
        countConversions(db, scope, w),
      ]);
      const value = round(pct(conversions.total, clicks));
      const text = `CR ${value} % (${conversions.total} conversions of ${clicks} clicks) in the last ${rule.windowMinutes} min; band ${rule.params.min ?? 0}–${rule.params.max ?? 100} %`;
      if (clicks < (rule.params.minSample ?? DEFAULT_MIN_SAMPLE)) return { breached: false, value, text };
      return { breached: value < (rule.params.min ?? 0) || value > (rule.params.max ?? 100), value, text };
    }
    case 'reversal_rate': {
      // Until a rewards ledger exists, reversals are conversions whose status is now `reversed`.
      const c = await countConversions(db, trafficScope(rule), w);
      return rate({ part: c.reversed, whole: c.total }, rule, { part: 'reversed', whole: 'conversions' });
    }
    case 'delivery_failure_rate': {
      const a = await countAttempts(db, deliveryScope(rule), w);
      return rate({ part: a.failed, whole: a.total }, rule, { part: 'failed', whole: 'attempts' });
    }
    case 'inbound_rejection_rate': {
      const advertiserId = rule.target.type === 'advertiser' ? (rule.target.id ?? undefined) : undefined;
      const i = await countInbound(db, advertiserId, w);
      return rate({ part: i.rejected, whole: i.total }, rule, {
        part: 'rejected',
        whole: 'inbound postbacks',
      });
    }
    case 'endpoint_disabled': {
      const disabled = await listDisabledEndpoints(db, deliveryScope(rule));
      const text = disabled.length
        ? `disabled postback endpoints: ${disabled.map((d) => `#${d.id}${d.reason ? ` (${d.reason})` : ''}`).join(', ')}`
        : 'no postback endpoint is disabled';
      return { breached: disabled.length > 0, value: disabled.length, text };
    }
    case 'oldest_pending': {
      const scope = deliveryScope(rule);
      const ageMs = await readOldestPendingAge(
        db,
        scope.column === 'postback_id' ? { postbackId: scope.id } : { publisherId: scope.id },
        now,
      );
      const minutes = round(ageMs / 60_000);
      return {
        breached: minutes > (rule.params.minutes ?? 60),
        value: minutes,
        text: `the oldest waiting delivery is ${minutes} min old (limit ${rule.params.minutes ?? 60} min)`,
      };
    }
  }
}
