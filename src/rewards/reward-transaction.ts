// A transaction that starts over when it lost a race on an entry's unique key.
import type { Kysely } from 'kysely';
import type { Database, Db } from '../db/database.types.ts';
import { inTransactionRetrying } from '../db/transaction-retry.ts';
import { isUniqueViolation } from '../db/unique-violation.ts';

export function inRewardsTransaction<T>(db: Kysely<Database>, work: (trx: Db) => Promise<T>): Promise<T> {
  return inTransactionRetrying(db, work, isUniqueViolation);
}
