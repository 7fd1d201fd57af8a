// Stage 1, claim: take due deliveries from the store under a fresh claim id and a lease, no more
// than the worker has room for and no more per endpoint than that endpoint has room for.
// Ad-platform endpoints are claimed on their own, up to two waves of full batches, so the next wave
// is claimed and prepared while the last is in flight; URL endpoints share the worker's slots.
import { randomUUID } from 'node:crypto';
import type { ClaimLock } from '../../db/claim.ts';
import type { Db } from '../../db/database.types.ts';
import { claimDueDeliveries } from '../delivery.repository.ts';
import type { DeliveryRow } from '../delivery.table.ts';
import type { EndpointLimits } from './endpoint-queue.ts';
import type { ClaimSizes } from './worker-options.ts';

export interface ClaimedBatch {
  claimId: string;
  /** Ad-platform rows first (`platformCount` of them), then URL rows. */
  rows: DeliveryRow[];
  platformCount: number;
  /** Every claim made found fewer rows than it asked for: the store has no more due for us right now. */
  exhausted: boolean;
  /** Whether the ad-platform claim found fewer rows than it asked for; undefined when none was made. */
  platformExhausted?: boolean;
}

export interface ClaimRequest {
  now: number;
  /** Free per-delivery slots (URL endpoints); 0 claims none of theirs. */
  free: number;
  /** Ad-platform deliveries the worker may still take; 0 claims none of theirs. */
  platformFree: number;
  leaseMs: number;
  sizes: ClaimSizes;
  limits: EndpointLimits;
}

export async function claimBatch(db: Db, lock: ClaimLock, request: ClaimRequest): Promise<ClaimedBatch> {
  const { sizes, limits } = request;
  const claimId = randomUUID();
  const base = { lock, now: request.now, claimId, leaseMs: request.leaseMs };
  let exhausted = true;
  let platformExhausted: boolean | undefined;
  let platformRows: DeliveryRow[] = [];
  const platformIds = [...limits.platformRoom.keys()];
  if (request.platformFree > 0 && platformIds.length > 0) {
    let roomTotal = 0;
    for (const n of limits.platformRoom.values()) roomTotal += n;
    const limit = Math.min(request.platformFree, roomTotal);
    platformRows = await claimDueDeliveries(db, {
      ...base,
      limit,
      perEndpoint: Math.max(...limits.platformRoom.values()),
      endpointRoom: limits.platformRoom,
      onlyEndpoints: platformIds,
    });
    platformExhausted = platformRows.length < limit;
    exhausted = platformExhausted;
  }
  let rows: DeliveryRow[] = [];
  if (request.free > 0) {
    // A claim no larger than the smallest room of a busy endpoint can take the store's cheap
    // oldest-first path; only a claim that could over-fill an endpoint counts rows per endpoint.
    let limit = Math.min(request.free, sizes.perEndpoint);
    const smallestRoom = Math.min(...limits.room.values());
    if (smallestRoom < limit && smallestRoom >= sizes.minClaim) limit = smallestRoom;
    rows = await claimDueDeliveries(db, {
      ...base,
      limit,
      perEndpoint: sizes.perEndpoint,
      endpointRoom: limits.room,
      skipEndpoints: [...limits.skip, ...platformIds],
    });
    exhausted &&= rows.length < limit;
  }
  return {
    claimId,
    rows: [...platformRows, ...rows],
    platformCount: platformRows.length,
    exhausted,
    platformExhausted,
  };
}
