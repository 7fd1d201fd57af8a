// The one dialect switch of the claim path. PostgreSQL lets concurrent claimers skip each other's
// locked rows (FOR UPDATE SKIP LOCKED); SQLite has one writer and one in-process claimer, so the
// same UPDATE … WHERE id IN (SELECT … LIMIT n) is already atomic there and needs no row lock.
import type { SelectQueryBuilder } from 'kysely';
import type { Capabilities } from './capabilities.ts';

/** Adds the row lock that concurrent claimers skip, where the store has one. */
export function lockSkippingClaimed<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  capabilities: Capabilities,
): SelectQueryBuilder<DB, TB, O> {
  return capabilities.skipLocked ? query.forUpdate().skipLocked() : query;
}
