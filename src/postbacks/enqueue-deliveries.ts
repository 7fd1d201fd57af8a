// The outbox write: inside the conversion event's transaction, one delivery row per matching postback.
import type { ConversionEventRow, ConversionRow } from '../conversions/conversion.table.ts';
import type { Db } from '../db/database.types.ts';

/**
 * Call inside the same transaction that wrote `event`. Returns how many deliveries were queued;
 * after the transaction commits, the caller wakes the worker (ctx.notifyDeliveriesQueued()) when > 0.
 */
export async function enqueueDeliveriesForEvent(
  _trx: Db,
  _conversion: ConversionRow,
  _event: ConversionEventRow,
  _now: number,
): Promise<number> {
  return 0;
}
