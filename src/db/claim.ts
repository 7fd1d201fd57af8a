// The dialect differences of the claim path, implemented in sqlite/claim-lock.ts and
// postgres/claim-lock.ts. See docs/decisions/0005-leases-and-fencing.md.
import type { SelectQueryBuilder } from 'kysely';

export interface ClaimLock {
  /** Adds the row lock that concurrent claimers skip, where the store has one. */
  skippingClaimed<DB, TB extends keyof DB, O>(
    query: SelectQueryBuilder<DB, TB, O>,
  ): SelectQueryBuilder<DB, TB, O>;
  /** The column the claim finds its chosen rows again by. */
  readonly rowKey: 'rowid' | 'id';
}
