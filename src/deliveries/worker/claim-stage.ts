// Stage 1, claim: take due deliveries from the store under a fresh claim id and a lease, no more
// than the worker has room for and no more per endpoint than that endpoint has room for.
import { randomUUID } from 'node:crypto';
import type { ClaimLock } from '../../db/claim.ts';
import type { Db } from '../../db/database.types.ts';
import { claimDueDeliveries } from '../delivery.repository.ts';
import type { DeliveryRow } from '../delivery.table.ts';
import type { EndpointLimits } from './endpoint-queue.ts';
import type { ClaimSizes } from './worker-options.ts';

export interface ClaimedBatch {
  claimId: string;
  rows: DeliveryRow[];
  /** The claim found fewer rows than it asked for: the store has no more due for us right now. */
  exhausted: boolean;
}

export async function claimBatch(
  db: Db,
  lock: ClaimLock,
  request: { now: number; free: number; leaseMs: number; sizes: ClaimSizes; limits: EndpointLimits },
): Promise<ClaimedBatch> {
  const { sizes, limits } = request;
  const claimId = randomUUID();
  // A claim no larger than the smallest room of a busy endpoint can take the store's cheap
  // oldest-first path; only a claim that could over-fill an endpoint counts rows per endpoint.
  let limit = Math.min(request.free, sizes.perEndpoint);
  const smallestRoom = Math.min(...limits.room.values());
  if (smallestRoom < limit && smallestRoom >= sizes.minClaim) limit = smallestRoom;
  const rows = await claimDueDeliveries(db, {
    lock,
    now: request.now,
    limit,
    claimId,
    leaseMs: request.leaseMs,
    perEndpoint: sizes.perEndpoint,
    endpointRoom: limits.room,
    skipEndpoints: limits.skip,
  });
  return { claimId, rows, exhausted: rows.length < limit };
}
