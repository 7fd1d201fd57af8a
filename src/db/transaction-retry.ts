// A transaction that starts over, a few times, when it lost a race to another writer.
import type { Kysely } from 'kysely';
import type { Database, Db } from './database.types.ts';

export async function inTransactionRetrying<T>(
  db: Kysely<Database>,
  work: (trx: Db) => Promise<T>,
  lostRace: (error: unknown) => boolean,
  attempts = 5,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (!lostRace(error) || attempt >= attempts) throw error;
    }
  }
}
