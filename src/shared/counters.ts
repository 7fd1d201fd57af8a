// In-process counts the hot paths bump (a Map increment, no formatting) and /metrics reads at scrape
// time. Kept free of prom-client so the click path pays for an addition and nothing else.

/** A counter split by one label string (a result code, a status, "outcome|kind"). */
export class LabelledCount {
  readonly values = new Map<string, number>();
  inc(label: string, by = 1): void {
    this.values.set(label, (this.values.get(label) ?? 0) + by);
  }
  get(label: string): number {
    return this.values.get(label) ?? 0;
  }
}

/** A latency histogram with fixed bucket bounds (seconds), cumulative only when read. */
export class Durations {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly bounds: readonly number[]) {
    this.counts = bounds.map(() => 0);
  }
  observe(seconds: number): void {
    this.sum += seconds;
    this.count += 1;
    for (let i = 0; i < this.bounds.length; i++) {
      if (seconds <= this.bounds[i]) {
        this.counts[i] += 1;
        return;
      }
    }
  }
}

export const counters = {
  clicks: { total: 0 },
  /** Inbound postbacks by answer code. */
  inbound: new LabelledCount(),
  /** Conversions entering a status (created or moved), by that status. */
  conversions: new LabelledCount(),
  /** Delivery outcomes, labelled `${outcome}|${kind}`. */
  deliveries: new LabelledCount(),
  attemptSeconds: new Durations([0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30]),
};

/** Gauges a part of the process can report when asked (the click journal's backlog, say). */
export const probes = new Map<string, () => number>();

/** The probe holding when the delivery worker's loop last finished a round (wall-clock ms). */
export const WORKER_LAST_ROUND_PROBE = 'delivery_worker_last_round_at';
/** The probe holding the click journal's import backlog. */
export const CLICK_BACKLOG_PROBE = 'click_journal_backlog';
