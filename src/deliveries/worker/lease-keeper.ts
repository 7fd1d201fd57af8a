// The claims this process holds, and their renewal. A slow attempt renews its lease so the sweeper
// (here or on another node) never hands a delivery that is still being sent to a second sender.
import type { Logger } from 'pino';
import type { Db } from '../../db/database.types.ts';
import { logStoreFailure } from '../../db/store-unavailable.ts';
import type { Clock } from '../../shared/clock.ts';
import { renewLease } from '../delivery.repository.ts';
import type { DeliveryRow } from '../delivery.table.ts';
import { MIN_RENEW_EVERY_MS } from './worker-options.ts';

interface HeldClaim {
  claimId: string;
  renewedAt: number;
  /** The attempt under this claim has finished; only its outcome's write is outstanding. */
  ended: boolean;
}

export class LeaseKeeper {
  private readonly held = new Map<string, HeldClaim>();
  private readonly renewEvery: number;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly leaseMs: number,
    private readonly log: Logger,
  ) {
    this.renewEvery = Math.max(MIN_RENEW_EVERY_MS, Math.floor(leaseMs / 3));
    this.timer = setInterval(() => {
      this.renew().catch((err) => logStoreFailure(log, err, 'could not renew delivery leases'));
    }, this.renewEvery);
    this.timer.unref();
  }

  hold(rows: DeliveryRow[], claimId: string): void {
    const now = this.clock.now();
    for (const row of rows) this.held.set(row.id, { claimId, renewedAt: now, ended: false });
  }

  /**
   * Our own lease on `row` lapsed (a renewal came late) and we claimed it again while its attempt is
   * still running here: that attempt carries on under the new claim, with no second send.
   */
  adopt(row: DeliveryRow, claimId: string): boolean {
    const mine = this.held.get(row.id);
    // An attempt that has ended is not running here any more: its outcome (a retry, say) was
    // written before this claim could see the row, so the row is sent again like any other.
    if (!mine || mine.ended) return false;
    mine.claimId = claimId;
    mine.renewedAt = this.clock.now();
    return true;
  }

  /** Marks the attempt on `deliveryId` ended; returns the newest claim held on it, if any. */
  end(deliveryId: string): string | undefined {
    const current = this.held.get(deliveryId);
    if (!current) return undefined;
    current.ended = true;
    return current.claimId;
  }

  /**
   * Forgets the claim once its outcome is written, but only a claim whose attempt has ended: the row
   * may have been claimed and dispatched anew since (a quick retry), and that newer claim must stay.
   */
  release(deliveryId: string): void {
    if (this.held.get(deliveryId)?.ended) this.held.delete(deliveryId);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async renew(): Promise<void> {
    const now = this.clock.now();
    for (const [id, claim] of this.held) {
      if (claim.ended || now - claim.renewedAt < this.renewEvery) continue;
      claim.renewedAt = now;
      if (!(await renewLease(this.db, id, claim.claimId, now + this.leaseMs, now))) {
        this.log.warn({ deliveryId: id }, 'lost the claim of a delivery still in flight');
      }
    }
  }
}
