// SQL for postbacks; the caller passes a handle or a transaction.
import type { Updateable } from 'kysely';
import type { PostbackAudience } from '../auth/field-visibility.ts';
import type { Db } from '../db/database.types.ts';
import { preparedQuery } from '../db/prepared-query.ts';
import type { NewPostbackRow, PostbackRow, PostbackTable } from './postback.table.ts';
import { MATCHED_COLUMNS } from './postback-matching.ts';

export type PostbackPatch = Omit<Updateable<PostbackTable>, 'id' | 'created_at'>;

export function insertPostback(db: Db, row: NewPostbackRow): Promise<PostbackRow> {
  return db.insertInto('postbacks').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findPostbackById(db: Db, id: number): Promise<PostbackRow | undefined> {
  return db.selectFrom('postbacks').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface PostbackFilter {
  afterId?: number;
  limit: number;
  publisherId?: number;
  offerId?: number;
  audience?: PostbackAudience;
}

export function listPostbacks(db: Db, filter: PostbackFilter): Promise<PostbackRow[]> {
  let query = db
    .selectFrom('postbacks')
    .selectAll()
    .orderBy('id')
    .limit(filter.limit + 1);
  if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId);
  if (filter.publisherId !== undefined) query = query.where('publisher_id', '=', filter.publisherId);
  if (filter.offerId !== undefined) query = query.where('offer_id', '=', filter.offerId);
  if (filter.audience !== undefined) query = query.where('audience', '=', filter.audience);
  return query.execute();
}

/**
 * A publisher's enabled postbacks that could concern a conversion on `offerId`, oldest first.
 * concernsConversion below is the same filter in memory: change both together.
 */
function enabledPostbacksForOffer(db: Db, publisherId: number, offerId: number) {
  return db
    .selectFrom('postbacks')
    .where('publisher_id', '=', publisherId)
    .where((eb) => eb.or([eb('scope', '=', 'global'), eb('offer_id', '=', offerId)]))
    .where('enabled', '=', 1)
    .orderBy('id');
}

/**
 * Every enabled postback of a publisher that could concern a conversion on `offerId`: its global
 * ones and those tied to that offer. One query on the publisher index; the precedence rules run in
 * memory.
 */
export function findPostbacksForOffer(db: Db, publisherId: number, offerId: number): Promise<PostbackRow[]> {
  return enabledPostbacksForOffer(db, publisherId, offerId).selectAll().execute();
}

// Compiled once: this lookup runs for every conversion event written (the outbox), so building and
// compiling it per call cost more than running it. Always a fresh read, never cached: a postback
// created a moment ago must get the deliveries of the next event.
const OUTBOX_COLUMNS = [...MATCHED_COLUMNS, 'state'] as const;
const outboxCandidatesQuery = preparedQuery(2, (db, publisherId, offerId) =>
  enabledPostbacksForOffer(db, publisherId, offerId).select(OUTBOX_COLUMNS),
);

/** What the outbox write reads of a postback: what the precedence rules match on, and its health. */
export type OutboxCandidate = Pick<PostbackRow, (typeof OUTBOX_COLUMNS)[number]>;

/**
 * A publisher's enabled global URL postbacks: the ones a ledger entry written by hand (which has no
 * offer) may fire; their status filter says whether it does.
 */
export function findLedgerPostbackCandidates(db: Db, publisherId: number): Promise<OutboxCandidate[]> {
  return db
    .selectFrom('postbacks')
    .where('publisher_id', '=', publisherId)
    .where('scope', '=', 'global')
    .where('kind', '=', 'url')
    .where('enabled', '=', 1)
    .orderBy('id')
    .select(OUTBOX_COLUMNS)
    .execute();
}

/** The same postbacks as findPostbacksForOffer, reading only what the outbox write needs. */
export async function findOutboxCandidates(
  db: Db,
  publisherId: number,
  offerId: number,
): Promise<OutboxCandidate[]> {
  return (await outboxCandidatesQuery(db, publisherId, offerId)).rows as OutboxCandidate[];
}

/** Whether an enabled postback is one enabledPostbacksForOffer finds for this publisher and offer. */
function concernsConversion(postback: OutboxCandidate, publisherId: number, offerId: number): boolean {
  return (
    postback.publisher_id === publisherId && (postback.scope === 'global' || postback.offer_id === offerId)
  );
}

/**
 * findOutboxCandidates for many conversions with one query: for each of `targets`, in order, the
 * candidates findOutboxCandidates would give for its publisher and offer.
 */
export async function findOutboxCandidatesForMany(
  db: Db,
  targets: readonly { publisher_id: number; offer_id: number }[],
): Promise<OutboxCandidate[][]> {
  if (targets.length === 0) return [];
  const rows = (await db
    .selectFrom('postbacks')
    .where('publisher_id', 'in', [...new Set(targets.map((t) => t.publisher_id))])
    .where((eb) =>
      eb.or([eb('scope', '=', 'global'), eb('offer_id', 'in', [...new Set(targets.map((t) => t.offer_id))])]),
    )
    .where('enabled', '=', 1)
    .orderBy('id')
    .select(OUTBOX_COLUMNS)
    .execute()) as OutboxCandidate[];
  return targets.map((t) => rows.filter((row) => concernsConversion(row, t.publisher_id, t.offer_id)));
}

export function updatePostbackRow(
  db: Db,
  id: number,
  patch: PostbackPatch,
): Promise<PostbackRow | undefined> {
  return db.updateTable('postbacks').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deletePostbackRow(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('postbacks').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Deliveries still waiting for a postback that is being deleted can never be sent: cancel them. */
export async function cancelWaitingDeliveries(db: Db, postbackId: number, now: number): Promise<number> {
  const result = await db
    .updateTable('deliveries')
    .set({ status: 'cancelled', updated_at: now, completed_at: now, last_error: 'postback deleted' })
    .where('postback_id', '=', postbackId)
    .where('status', 'in', ['pending', 'held'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export function findLinkOfPostback(db: Db, linkId: number) {
  return db
    .selectFrom('links')
    .select(['id', 'offer_id', 'publisher_id'])
    .where('id', '=', linkId)
    .executeTakeFirst();
}

export function offerExists(db: Db, offerId: number): Promise<{ id: number } | undefined> {
  return db.selectFrom('offers').select('id').where('id', '=', offerId).executeTakeFirst();
}

export function offerGoalExists(db: Db, offerId: number, goal: string): Promise<{ id: number } | undefined> {
  return db
    .selectFrom('offer_goals')
    .select('id')
    .where('offer_id', '=', offerId)
    .where('key', '=', goal)
    .executeTakeFirst();
}

export function publisherExists(db: Db, publisherId: number): Promise<{ id: number } | undefined> {
  return db.selectFrom('publishers').select('id').where('id', '=', publisherId).executeTakeFirst();
}
