// Manual status changes from the admin API: the same lifecycle, history and outbox as postbacks.

import type { AppContext } from '../../server/app-context.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import { findConversionById } from '../conversion.repository.ts';
import type { ConversionRow, Status } from '../conversion.table.ts';
import { applyStatusChange, inTransactionWithRetry } from './apply-status-change.ts';

/**
 * Moves a conversion to `status`, recording a 'manual' event and its deliveries. Asking for the
 * status it already has changes nothing and returns it (safe to repeat).
 * Throws AppError 'not_found' or 'illegal_transition'.
 */
export async function changeConversionStatus(
  ctx: AppContext,
  input: { conversionId: string; status: Status; reason: string },
): Promise<ConversionRow> {
  const now = ctx.clock.now();
  const { conversion, queued } = await inTransactionWithRetry(ctx.store.db, async (trx) => {
    const current = await findConversionById(trx, input.conversionId);
    if (!current) throw notFound('conversion');
    if (current.status === input.status) return { conversion: current, queued: 0 };
    const outcome = await applyStatusChange(
      trx,
      current,
      {
        to: input.status,
        statusRaw: null,
        source: 'manual',
        reason: input.reason,
        postbackLogId: null,
      },
      now,
    );
    if (!outcome.ok) {
      throw new AppError(
        'illegal_transition',
        `a ${current.status} conversion cannot become ${input.status}`,
        {
          from: current.status,
          to: input.status,
        },
      );
    }
    return outcome;
  });
  if (queued > 0) ctx.notifyDeliveriesQueued();
  return conversion;
}
