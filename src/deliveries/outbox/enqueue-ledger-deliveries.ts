// The outbox write for a rewards ledger entry written by hand (an adjustment or a redemption):
// inside the entry's transaction, one delivery per global URL postback of the publisher whose
// status filter names the entry's kind. Such an entry has no conversion, offer or click, so only a
// publisher-wide postback can concern it, and only one that asks for it.
import type { Db } from '../../db/database.types.ts';
import { wakeOtherWorkersAtCommit } from '../../db/notify.ts';
import { findLedgerPostbackCandidates } from '../../postbacks/postback.service.ts';
import { postbackStatuses } from '../../postbacks/postback-matching.ts';
import { unsentDelivery } from './enqueue-deliveries.ts';

/** Queues the entry's deliveries; how many were queued (the caller wakes the worker after commit). */
export async function enqueueDeliveriesForLedgerEntry(
  trx: Db,
  entry: { id: number; publisher_id: number; kind: string },
  now: number,
): Promise<number> {
  const postbacks = (await findLedgerPostbackCandidates(trx, entry.publisher_id)).filter((p) =>
    postbackStatuses(p).has(entry.kind),
  );
  if (postbacks.length === 0) return 0;
  const rows = postbacks.map((postback) =>
    unsentDelivery(
      { conversion_event_id: null, conversion_id: null, reward_entry_id: entry.id },
      postback.id,
      entry.publisher_id,
      // A disabled endpoint still owes it: held until someone re-enables and releases.
      postback.state === 'disabled' ? 'held' : 'pending',
      now,
    ),
  );
  const result = await trx
    .insertInto('deliveries')
    .values(rows)
    // A retried transaction queues nothing twice.
    .onConflict((oc) => oc.columns(['reward_entry_id', 'postback_id']).doNothing())
    .executeTakeFirst();
  const inserted = Number(result.numInsertedOrUpdatedRows ?? 0);
  if (inserted > 0 && rows.some((row) => row.status === 'pending')) await wakeOtherWorkersAtCommit(trx);
  return inserted;
}
