// Manual status changes from the admin API: the same lifecycle, history and outbox as postbacks.

import type { Principal } from '../../auth/principal.ts';
import { applyRewardsForEvent } from '../../rewards/reward-crediting.service.ts';
import type { AppContext } from '../../server/app-context.ts';
import { counters } from '../../shared/counters.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import { findConversionById } from '../conversion.repository.ts';
import type { ConversionRow, Status } from '../conversion.table.ts';
import { applyStatusChange, inTransactionWithRetry } from './apply-status-change.ts';

/** Who made a change, as its history records it. */
export function actorOf(principal: Principal): string {
  return principal.keyId === null ? 'env' : `key:${principal.keyId}`;
}

/**
 * Moves a conversion to `status`, recording a 'manual' event (an 'override' one when `override`
 * lets it past the lifecycle) with the reason and the actor, and its deliveries. Asking for the
 * status it already has changes nothing and returns it (safe to repeat).
 * Throws AppError 'not_found' or 'illegal_transition'.
 */
export async function changeConversionStatus(
  ctx: AppContext,
  input: { conversionId: string; status: Status; reason: string; actor?: string; override?: boolean },
): Promise<ConversionRow> {
  const now = ctx.clock.now();
  const { conversion, queued, moved } = await inTransactionWithRetry(ctx.store.db, async (trx) => {
    const current = await findConversionById(trx, input.conversionId);
    if (!current) throw notFound('conversion');
    if (current.status === input.status) return { conversion: current, queued: 0, moved: false };
    const outcome = await applyStatusChange(
      trx,
      current,
      {
        to: input.status,
        statusRaw: null,
        source: 'manual',
        reason: input.reason,
        postbackLogId: null,
        actor: input.actor,
        override: input.override === true,
      },
      now,
    );
    if (!outcome.ok) {
      throw new AppError(
        'illegal_transition',
        `a ${current.status} conversion cannot become ${input.status}; an admin may force it with "override": true`,
        {
          from: current.status,
          to: input.status,
        },
      );
    }
    await applyRewardsForEvent(ctx, trx, outcome.conversion, outcome.event.id, now);
    return { ...outcome, moved: true };
  });
  if (moved) counters.conversions.inc(input.status);
  if (queued > 0) ctx.notifyDeliveriesQueued();
  return conversion;
}
