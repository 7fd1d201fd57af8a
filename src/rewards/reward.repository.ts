// Rewards SQL only; the caller passes the handle so it owns the transaction.
import { sql } from 'kysely';
import type { Db } from '../db/database.types.ts';
import { preparedQuery } from '../db/prepared-query.ts';
import type { SubKey } from '../tracking/clicks/click.table.ts';
import type { NewRewardEntryRow, RewardEntryRow, RewardSettingsRow } from './reward.table.ts';

export function findRewardSettings(db: Db, publisherId: number): Promise<RewardSettingsRow | undefined> {
  return db
    .selectFrom('reward_settings')
    .selectAll()
    .where('publisher_id', '=', publisherId)
    .executeTakeFirst();
}

export async function upsertRewardSettings(db: Db, row: RewardSettingsRow): Promise<void> {
  const { publisher_id: _, ...rest } = row;
  await db
    .insertInto('reward_settings')
    .values(row)
    .onConflict((oc) => oc.column('publisher_id').doUpdateSet(rest))
    .execute();
}

/** The value of one sub id of a click (the rewards user id). */
export async function findClickSub(db: Db, clickId: string, sub: SubKey): Promise<string | null> {
  const row = await db.selectFrom('clicks').select(sub).where('id', '=', clickId).executeTakeFirst();
  return (row?.[sub] as string | null | undefined) ?? null;
}

/** A conversion's credits and reversals, oldest first. */
export function findEntriesOfConversion(db: Db, conversionId: string): Promise<RewardEntryRow[]> {
  return db
    .selectFrom('reward_entries')
    .selectAll()
    .where('conversion_id', '=', conversionId)
    .orderBy('id')
    .execute();
}

export function findEntryByKey(db: Db, key: string): Promise<RewardEntryRow | undefined> {
  return db.selectFrom('reward_entries').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
}

// Both run for every credit, in the ingest transaction: compiled once (db/prepared-query.ts).
const addToBalanceQuery = preparedQuery(4, (db, publisherId, userId, delta, now) =>
  db
    .insertInto('reward_balances')
    .values({ publisher_id: publisherId, user_id: userId, balance: delta, updated_at: now })
    .onConflict((oc) =>
      oc.columns(['publisher_id', 'user_id']).doUpdateSet({
        balance: sql<number>`reward_balances.balance + excluded.balance`,
        updated_at: sql<number>`excluded.updated_at`,
      }),
    )
    .returning('balance'),
);

/**
 * Adds `delta` to the user's cached balance and returns the new balance. The row's write lock (and
 * SQLite's single writer) orders concurrent changes of one user.
 */
export async function addToBalance(
  db: Db,
  publisherId: number,
  userId: string,
  delta: number,
  now: number,
): Promise<number> {
  const { rows } = await addToBalanceQuery(db, publisherId, userId, delta, now);
  return Number(rows[0].balance);
}

/**
 * addToBalance for many users in one statement; each (publisher, user) once, in the order given.
 * The new balances by `publisherId|userId`.
 */
export async function addToBalances(
  db: Db,
  deltas: readonly { publisherId: number; userId: string; delta: number; now: number }[],
): Promise<Map<string, number>> {
  const rows = await db
    .insertInto('reward_balances')
    .values(
      deltas.map((d) => ({
        publisher_id: d.publisherId,
        user_id: d.userId,
        balance: d.delta,
        updated_at: d.now,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['publisher_id', 'user_id']).doUpdateSet({
        balance: sql<number>`reward_balances.balance + excluded.balance`,
        updated_at: sql<number>`excluded.updated_at`,
      }),
    )
    .returning(['publisher_id', 'user_id', 'balance'])
    .execute();
  return new Map(rows.map((r) => [`${r.publisher_id}|${r.user_id}`, Number(r.balance)]));
}

export async function findBalance(db: Db, publisherId: number, userId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('reward_balances')
    .select('balance')
    .where('publisher_id', '=', publisherId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.balance);
}

const ENTRY_COLUMNS = [
  'publisher_id',
  'user_id',
  'kind',
  'points',
  'balance_after',
  'conversion_id',
  'conversion_event_id',
  'status',
  'reverses',
  'flagged',
  'reason',
  'idempotency_key',
  'actor',
  'created_at',
] as const satisfies readonly (keyof NewRewardEntryRow)[];

const insertEntryQuery = preparedQuery(ENTRY_COLUMNS.length, (db, ...slots) =>
  db
    .insertInto('reward_entries')
    .values(Object.fromEntries(ENTRY_COLUMNS.map((c, i) => [c, slots[i]])) as NewRewardEntryRow)
    .returning('id'),
);

function storedEntry(row: NewRewardEntryRow): Omit<RewardEntryRow, 'id'> {
  return {
    publisher_id: row.publisher_id,
    user_id: row.user_id,
    kind: row.kind,
    points: row.points,
    balance_after: row.balance_after,
    conversion_id: row.conversion_id ?? null,
    conversion_event_id: row.conversion_event_id ?? null,
    status: row.status ?? null,
    reverses: row.reverses ?? null,
    flagged: row.flagged,
    reason: row.reason ?? null,
    idempotency_key: row.idempotency_key,
    actor: row.actor ?? null,
    created_at: row.created_at,
  };
}

/** Inserts an entry; a taken idempotency key is a unique violation (the caller starts over). */
export async function insertRewardEntry(db: Db, row: NewRewardEntryRow): Promise<RewardEntryRow> {
  const stored = storedEntry(row);
  const { rows } = await insertEntryQuery(db, ...ENTRY_COLUMNS.map((c) => stored[c]));
  return { ...stored, id: Number(rows[0].id) };
}

/** insertRewardEntry for many entries, in one statement. */
export async function insertRewardEntries(db: Db, rows: readonly NewRewardEntryRow[]): Promise<void> {
  await db.insertInto('reward_entries').values(rows.map(storedEntry)).execute();
}

/** A user's entries, newest first, below `beforeId`. */
export function listUserEntries(
  db: Db,
  q: { publisherId: number; userId: string; beforeId?: number; limit: number },
): Promise<RewardEntryRow[]> {
  let query = db
    .selectFrom('reward_entries')
    .selectAll()
    .where('publisher_id', '=', q.publisherId)
    .where('user_id', '=', q.userId);
  if (q.beforeId !== undefined) query = query.where('id', '<', q.beforeId);
  return query.orderBy('id', 'desc').limit(q.limit).execute();
}

/** The ledger's sum for a user: what the cached balance must always equal. */
export async function sumUserEntries(db: Db, publisherId: number, userId: string): Promise<number> {
  const row = await db
    .selectFrom('reward_entries')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('points'), sql<number>`0`).as('total'))
    .where('publisher_id', '=', publisherId)
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

/** The entries written by these conversion events (at most one each). */
export function findEntriesOfEvents(db: Db, eventIds: readonly number[]): Promise<RewardEntryRow[]> {
  if (eventIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('reward_entries').selectAll().where('conversion_event_id', 'in', eventIds).execute();
}

export function findEntriesByIds(db: Db, ids: readonly number[]): Promise<RewardEntryRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('reward_entries').selectAll().where('id', 'in', ids).execute();
}
