// Concurrent claimers on PostgreSQL skip each other's locked rows instead of waiting for them.
import type { SelectQueryBuilder } from 'kysely';
import type { ClaimLock } from '../claim.ts';

export const POSTGRES_CLAIM_LOCK: ClaimLock = Object.freeze({
  skippingClaimed: <DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>) =>
    query.forUpdate().skipLocked(),
  rowKey: 'id',
});
