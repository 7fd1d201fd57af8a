// Stage 4, record outcome: finished attempts are buffered and written together, in one transaction
// per batch (delivery-outcomes.ts), when the batch is full or shortly after its first outcome.
import type { Logger } from 'pino';
import type { Db } from '../../db/database.types.ts';
import type { Clock } from '../../shared/clock.ts';
import { counters } from '../../shared/counters.ts';
import type { HealthPolicy } from '../endpoint-health.ts';
import { type DeliveryOutcome, writeOutcomes } from './delivery-outcomes.ts';
import type { LeaseKeeper } from './lease-keeper.ts';
import { OUTCOME_WRITE_PATIENCE_MS } from './worker-options.ts';

export interface OutcomeWriterOptions {
  db: Db;
  clock: Clock;
  health: HealthPolicy;
  log: Logger;
  leases: LeaseKeeper;
  flushIntervalMs: number;
  flushMax: number;
  /** Told after each batch, written or not, with the outcomes it held. */
  onBatchDone(batch: readonly DeliveryOutcome[]): void;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

export class OutcomeWriter {
  private buffer: DeliveryOutcome[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly o: OutcomeWriterOptions) {}

  /** Outcomes waiting to be written. */
  get buffered(): number {
    return this.buffer.length;
  }

  add(outcome: DeliveryOutcome): void {
    counters.deliveries.inc(
      `${outcome.kind === 'attempted' ? outcome.verdict.kind : outcome.kind}|${outcome.kind === 'attempted' ? outcome.trigger : 'scheduled'}`,
    );
    // Written under the newest claim this process holds on the row (a lapsed lease re-claimed here).
    const current = this.o.leases.end(outcome.delivery.id);
    this.buffer.push(current && current !== outcome.claimId ? { ...outcome, claimId: current } : outcome);
    if (this.buffer.length >= this.o.flushMax) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.o.flushIntervalMs);
  }

  /** Writes what is buffered, after any write already under way. */
  flush(): Promise<void> {
    // Each write runs synchronously on SQLite and the chain resolves as microtasks: without a turn of
    // the event loop between writes, requests already handed to the sender would wait for them all.
    this.chain = this.chain.then(yieldToIo).then(() => this.writeBuffered());
    return this.chain;
  }

  private async writeBuffered(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length === 0) return;
    try {
      const written = await this.writePersistently(batch);
      const lost = written.filter((w) => !w.owned).length;
      if (lost > 0)
        this.o.log.warn({ lost }, 'claims expired before their outcome was written; the new owners decide');
    } catch (err) {
      // Rows stay in_flight; their leases expire and they are sent again (at-least-once).
      this.o.log.error({ err }, 'could not write delivery outcomes; leases will return them');
    } finally {
      for (const outcome of batch) this.o.leases.release(outcome.delivery.id);
      this.o.onBatchDone(batch);
    }
  }

  /**
   * An outcome that is not written leaves its row in flight until the lease lapses, and the row is
   * then sent again: a second postback for one the receiver may already have taken. So a write the
   * store refuses (a lock held past the wait, a lost connection, a failover) is tried again, with
   * growing pauses, for up to OUTCOME_WRITE_PATIENCE_MS. Each try is fenced on the claims, so a
   * late one cannot overwrite a row that was swept and claimed by someone else meanwhile.
   */
  private async writePersistently(batch: DeliveryOutcome[]) {
    const started = Date.now();
    for (let pause = 50; ; pause = Math.min(pause * 2, 2_000)) {
      try {
        return await writeOutcomes(this.o.db, batch, this.o.clock.now(), this.o.health, this.o.log);
      } catch (err) {
        if (Date.now() - started + pause > OUTCOME_WRITE_PATIENCE_MS) throw err;
        this.o.log.warn({ err, outcomes: batch.length }, 'could not write delivery outcomes; trying again');
        await delay(pause);
      }
    }
  }
}
