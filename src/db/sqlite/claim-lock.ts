// SQLite has one writer and one in-process claimer, so UPDATE … WHERE id IN (SELECT … LIMIT n) is
// already atomic there and needs no row lock.
import type { SelectQueryBuilder } from 'kysely';
import type { ClaimLock } from '../claim.ts';

export const SQLITE_CLAIM_LOCK: ClaimLock = Object.freeze({
  skippingClaimed: <DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>) => query,
});
