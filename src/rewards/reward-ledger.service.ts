// A user's balance and ledger, and the entries an operator or the rewards site writes by hand:
// adjustments and redemptions, each with its own idempotency key and its deliveries queued in the
// same transaction.
import type { Db } from '../db/database.types.ts';
import { enqueueDeliveriesForLedgerEntry } from '../deliveries/outbox/enqueue-ledger-deliveries.ts';
import type { AppContext } from '../server/app-context.ts';
import { AppError } from '../shared/errors.ts';
import {
  addToBalance,
  findBalance,
  findEntriesByIds,
  findEntriesOfEvents,
  findEntryByKey,
  insertRewardEntry,
  listUserEntries,
} from './reward.repository.ts';
import type { RewardEntryRow } from './reward.table.ts';
import { inRewardsTransaction } from './reward-transaction.ts';

export interface RewardEntryView {
  id: number;
  kind: string;
  points: number;
  balanceAfter: number;
  conversionId: string | null;
  status: string | null;
  reverses?: number;
  flagged: boolean;
  reason: string | null;
  createdAt: number;
}

export function toEntryView(row: RewardEntryRow): RewardEntryView {
  return {
    id: Number(row.id),
    kind: row.kind,
    points: Number(row.points),
    balanceAfter: Number(row.balance_after),
    conversionId: row.conversion_id,
    status: row.status,
    ...(row.reverses !== null && { reverses: Number(row.reverses) }),
    flagged: row.flagged === 1,
    reason: row.reason,
    createdAt: Number(row.created_at),
  };
}

export async function getUserLedger(
  ctx: AppContext,
  q: { publisherId: number; userId: string; beforeId?: number; limit: number },
): Promise<{ userId: string; balance: number; entries: RewardEntryView[]; nextCursor: string | null }> {
  const db = ctx.store.db;
  const rows = await listUserEntries(db, { ...q, limit: q.limit + 1 });
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  return {
    userId: q.userId,
    balance: (await findBalance(db, q.publisherId, q.userId)) ?? 0,
    entries: page.map(toEntryView),
    nextCursor: more ? String(page[page.length - 1].id) : null,
  };
}

export interface ManualEntryInput {
  publisherId: number;
  userId: string;
  kind: 'adjustment' | 'redemption';
  /** Adjustments are signed; a redemption names the points it spends (positive). */
  points: number;
  idempotencyKey: string;
  reason: string | null;
  allowOverdraw: boolean;
  actor: string;
}

/**
 * Writes an adjustment or a redemption once per idempotency key: the same request again answers
 * the entry already written (`replayed`), a different one under the same key is a conflict.
 */
export async function recordManualEntry(
  ctx: AppContext,
  input: ManualEntryInput,
): Promise<{ entry: RewardEntryView; replayed: boolean }> {
  const now = ctx.clock.now();
  const points = input.kind === 'redemption' ? -Math.abs(input.points) : input.points;
  const key = `${input.kind}|${input.publisherId}|${input.idempotencyKey}`;
  const written = await inRewardsTransaction(ctx.store.db, async (trx) => {
    const existing = await findEntryByKey(trx, key);
    if (existing) {
      if (existing.user_id !== input.userId || Number(existing.points) !== points) {
        throw new AppError('conflict', 'this idempotency key was used for another entry', {
          entryId: Number(existing.id),
        });
      }
      return { entry: toEntryView(existing), replayed: true, queued: 0 };
    }
    const balance = await addToBalance(trx, input.publisherId, input.userId, points, now);
    if (points < 0 && balance < 0 && !input.allowOverdraw) {
      // Thrown inside the transaction: the balance change above rolls back with it.
      throw new AppError('insufficient_balance', `the balance would fall to ${balance}`, {
        balance: balance - points,
        points,
      });
    }
    const row = await insertRewardEntry(trx, {
      publisher_id: input.publisherId,
      user_id: input.userId,
      kind: input.kind,
      points,
      balance_after: balance,
      conversion_id: null,
      conversion_event_id: null,
      status: null,
      reverses: null,
      flagged: balance < 0 ? 1 : 0,
      reason: input.reason,
      idempotency_key: key,
      actor: input.actor,
      created_at: now,
    });
    // The rewards site hears of it like of a credit: an ordinary postback, queued with the entry.
    const queued = await enqueueDeliveriesForLedgerEntry(trx, row, now);
    return { entry: toEntryView(row), replayed: false, queued };
  });
  if (written.queued > 0) ctx.notifyDeliveriesQueued();
  return { entry: written.entry, replayed: written.replayed };
}

/** The ledger entry each of these conversion events wrote, by event id (for postback macros). */
export async function rewardEntriesOfEvents(
  db: Db,
  eventIds: readonly number[],
): Promise<Map<number, RewardEntryRow>> {
  const rows = await findEntriesOfEvents(db, eventIds);
  return new Map(rows.map((row) => [Number(row.conversion_event_id), row]));
}

/** Ledger entries by id (for the deliveries of adjustments and redemptions). */
export function findRewardEntriesByIds(db: Db, ids: readonly number[]): Promise<RewardEntryRow[]> {
  return findEntriesByIds(db, ids);
}
