// Crediting and clawing back, inside the transaction that writes the conversion's status event
// (the outbox rule): a crash leaves both or neither. Each entry's unique key names its cause, so a
// retried batch, a duplicate postback or a racing writer can never write a second one.
import type { ConversionRow } from '../conversions/conversion.table.ts';
import type { Db } from '../db/database.types.ts';
import type { AppContext } from '../server/app-context.ts';
import type { SubKey } from '../tracking/clicks/click.table.ts';
import {
  addToBalance,
  addToBalances,
  findClickSub,
  findEntriesOfConversion,
  insertRewardEntries,
  insertRewardEntry,
} from './reward.repository.ts';
import type { NewRewardEntryRow, RewardEntryRow, RewardSettings } from './reward.table.ts';
import { pointsFor } from './reward-points.ts';
import { rewardSettingsCache, toRewardSettings } from './reward-settings.service.ts';

export type RewardedConversion = Pick<
  ConversionRow,
  'id' | 'publisher_id' | 'click_id' | 'status' | 'payout' | 'goal'
>;

/** A conversion its transaction just created, with its click's sub ids: no entries yet, no click read. */
export interface CreatedConversion {
  conversion: RewardedConversion;
  eventId: number;
  now: number;
  subs: Readonly<Record<string, string | null>>;
}

/** Whether a conversion in `status` holds a credit under `creditOn`. */
function creditable(status: string, creditOn: string): boolean {
  return status === 'approved' || (creditOn === 'pending' && status === 'pending');
}

/** The credit entry a conversion is owed, balance not yet known; undefined when it is owed none. */
function creditFor(
  settings: RewardSettings,
  conversion: RewardedConversion,
  userId: string | null | undefined,
  eventId: number,
  /** How many credits the conversion held before (each reversed since). */
  earlier: number,
  now: number,
): NewRewardEntryRow | undefined {
  if (!settings.enabled || !userId) return undefined;
  const points = pointsFor(settings, conversion);
  if (points <= 0) return undefined;
  return {
    publisher_id: conversion.publisher_id,
    user_id: userId,
    kind: 'credit',
    points,
    balance_after: 0,
    conversion_id: conversion.id,
    conversion_event_id: eventId,
    status: conversion.status,
    reverses: null,
    flagged: 0,
    reason: null,
    // The n-th credit of a conversion (after n-1 reversals): two writers racing to credit the
    // same conversion collide here and one starts over.
    idempotency_key: `credit|${conversion.id}|${earlier}`,
    actor: null,
    created_at: now,
  };
}

/** The credit a conversion created in this transaction is owed, if any: no entries to read. */
async function creditOfCreated(ctx: AppContext, trx: Db, c: CreatedConversion) {
  const row = await rewardSettingsCache(ctx).get(trx, c.conversion.publisher_id);
  // Never turned on: nothing was ever credited, nothing to do.
  if (!row) return undefined;
  const settings = toRewardSettings(row);
  if (!creditable(c.conversion.status, settings.creditOn)) return undefined;
  return creditFor(settings, c.conversion, c.subs[settings.userSubId], c.eventId, 0, c.now);
}

/**
 * Credits conversions created together in this transaction, with one balance statement and one
 * entry statement for all of them (where every statement is a round trip). Balances are changed
 * in (publisher, user) order, so concurrent batches lock them in the same order.
 */
export async function applyRewardsForCreated(
  ctx: AppContext,
  trx: Db,
  created: readonly CreatedConversion[],
): Promise<void> {
  const credits: NewRewardEntryRow[] = [];
  for (const c of created) {
    const credit = await creditOfCreated(ctx, trx, c);
    if (credit) credits.push(credit);
  }
  if (credits.length === 0) return;
  const totals = new Map<string, { publisherId: number; userId: string; delta: number; now: number }>();
  for (const credit of credits) {
    const key = `${credit.publisher_id}|${credit.user_id}`;
    const total = totals.get(key);
    if (total) {
      total.delta += credit.points;
      total.now = Math.max(total.now, credit.created_at);
    } else {
      totals.set(key, {
        publisherId: credit.publisher_id,
        userId: credit.user_id,
        delta: credit.points,
        now: credit.created_at,
      });
    }
  }
  const ordered = [...totals.values()].sort((a, b) =>
    a.publisherId !== b.publisherId ? a.publisherId - b.publisherId : a.userId < b.userId ? -1 : 1,
  );
  const balances = await addToBalances(trx, ordered);
  // Each entry's balance after it: the final balance less the credits written after it.
  for (let i = credits.length - 1; i >= 0; i--) {
    const key = `${credits[i].publisher_id}|${credits[i].user_id}`;
    const after = balances.get(key) as number;
    credits[i].balance_after = after;
    balances.set(key, after - credits[i].points);
  }
  await insertRewardEntries(trx, credits);
}

/**
 * Brings the conversion's credit in line with its new status: a credit when it becomes creditable
 * and holds none, a reversal of the credit it holds when it stops being creditable. Call inside the
 * transaction that wrote event `eventId`.
 */
export async function applyRewardsForEvent(
  ctx: AppContext,
  trx: Db,
  conversion: RewardedConversion,
  eventId: number,
  now: number,
  /** A conversion this transaction created, with its click's sub ids. */
  created?: { subs: Readonly<Record<string, string | null>> },
): Promise<RewardEntryRow | undefined> {
  if (created) {
    const credit = await creditOfCreated(ctx, trx, { conversion, eventId, now, subs: created.subs });
    return credit && writeEntry(trx, credit);
  }
  const row = await rewardSettingsCache(ctx).get(trx, conversion.publisher_id);
  if (!row) return undefined;
  return settle(trx, toRewardSettings(row), conversion, eventId, now);
}

/** Changes the balance by the entry's points and writes the entry with the balance after it. */
async function writeEntry(trx: Db, entry: NewRewardEntryRow): Promise<RewardEntryRow> {
  entry.balance_after = await addToBalance(
    trx,
    entry.publisher_id,
    entry.user_id,
    entry.points,
    entry.created_at,
  );
  return insertRewardEntry(trx, entry);
}

async function settle(
  trx: Db,
  settings: RewardSettings,
  conversion: RewardedConversion,
  eventId: number,
  now: number,
): Promise<RewardEntryRow | undefined> {
  const wanted = creditable(conversion.status, settings.creditOn);
  const entries = await findEntriesOfConversion(trx, conversion.id);
  const credits = entries.filter((e) => e.kind === 'credit');
  const reversed = new Set(entries.filter((e) => e.kind === 'reversal').map((e) => e.reverses));
  const held = credits.find((c) => !reversed.has(c.id));

  if (wanted && !held) {
    if (!settings.enabled) return undefined;
    const userId = await findClickSub(trx, conversion.click_id, settings.userSubId as SubKey);
    const credit = creditFor(settings, conversion, userId, eventId, credits.length, now);
    return credit && writeEntry(trx, credit);
  }
  if (!wanted && held) {
    let points = -held.points;
    let balance = await addToBalance(trx, held.publisher_id, held.user_id, points, now);
    let flagged = balance < 0 ? 1 : 0;
    if (balance < 0 && !settings.allowNegative) {
      // The user already spent part of it: take back only what is left, and flag the shortfall.
      points -= balance;
      balance = await addToBalance(trx, held.publisher_id, held.user_id, -balance, now);
      flagged = 1;
    }
    return insertRewardEntry(trx, {
      publisher_id: conversion.publisher_id,
      user_id: held.user_id,
      kind: 'reversal',
      points,
      balance_after: balance,
      conversion_id: conversion.id,
      conversion_event_id: eventId,
      status: conversion.status,
      reverses: held.id,
      flagged,
      reason: null,
      idempotency_key: `reversal|${held.id}`,
      actor: null,
      created_at: now,
    });
  }
  return undefined;
}
