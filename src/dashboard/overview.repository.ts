// Counts and sums over a time window, read as an id range (ids begin with their time).

import { CONVERSION_ID_PREFIX } from '../conversions/conversion.table.ts';
import type { Db } from '../db/database.types.ts';
import { firstIdAt } from '../shared/ids.ts';

export interface OwnerFilter {
  publisherId?: number;
  advertiserId?: number;
}

export interface WindowTotals {
  clicks: number;
  conversions: number;
  /** Approved and pending conversions' money, per currency. */
  money: { currency: string; payout: number; revenue: number }[];
}

export async function sumWindow(db: Db, from: number, to: number, owner: OwnerFilter): Promise<WindowTotals> {
  let clicks = db
    .selectFrom('clicks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('id', '>=', firstIdAt(from))
    .where('id', '<', firstIdAt(to));
  let conversions = db
    .selectFrom('conversions')
    .select((eb) => [
      'currency',
      eb.fn.countAll<number>().as('n'),
      eb.fn
        .sum<number>(
          eb.case().when('status', 'in', ['approved', 'pending']).then(eb.ref('payout')).else(0).end(),
        )
        .as('payout'),
      eb.fn
        .sum<number>(
          eb.case().when('status', 'in', ['approved', 'pending']).then(eb.ref('revenue')).else(0).end(),
        )
        .as('revenue'),
    ])
    .where('id', '>=', CONVERSION_ID_PREFIX + firstIdAt(from))
    .where('id', '<', CONVERSION_ID_PREFIX + firstIdAt(to))
    .groupBy('currency');
  if (owner.publisherId !== undefined) {
    clicks = clicks.where('publisher_id', '=', owner.publisherId);
    conversions = conversions.where('publisher_id', '=', owner.publisherId);
  }
  if (owner.advertiserId !== undefined) {
    clicks = clicks.where('advertiser_id', '=', owner.advertiserId);
    conversions = conversions.where('advertiser_id', '=', owner.advertiserId);
  }
  const [clickRow, rows] = await Promise.all([clicks.executeTakeFirst(), conversions.execute()]);
  return {
    clicks: Number(clickRow?.n ?? 0),
    conversions: rows.reduce((sum, r) => sum + Number(r.n), 0),
    money: rows.map((r) => ({
      currency: r.currency,
      payout: Number(r.payout ?? 0),
      revenue: Number(r.revenue ?? 0),
    })),
  };
}
