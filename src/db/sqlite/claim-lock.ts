// SQLite has one writer and one in-process claimer, so UPDATE … WHERE id IN (SELECT … LIMIT n) is
// already atomic there and needs no row lock. The chosen rows are found again by rowid: one b-tree
// lookup each, where by id it is the id index and then the row.
import type { SelectQueryBuilder } from 'kysely';
import type { ClaimLock } from '../claim.ts';

export const SQLITE_CLAIM_LOCK: ClaimLock = Object.freeze({
  skippingClaimed: <DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>) => query,
  rowKey: 'rowid',
});
