// Crediting and clawing back, inside the transaction that writes the conversion's status event
// (the outbox rule): a crash leaves both or neither. Each entry's unique key names its cause, so a
// retried batch, a duplicate postback or a racing writer can never write a second one.
import type { ConversionRow } from '../conversions/conversion.table.ts';
import type { Db } from '../db/database.types.ts';
import type { AppContext } from '../server/app-context.ts';
import type { SubKey } from '../tracking/clicks/click.table.ts';
import {
  addToBalance,
  findClickSub,
  findEntriesOfConversion,
  insertRewardEntry,
} from './reward.repository.ts';
import type { RewardEntryRow, RewardSettingsRow } from './reward.table.ts';
import { pointsFor } from './reward-points.ts';
import { rewardSettingsCache, toRewardSettings } from './reward-settings.service.ts';

export type RewardedConversion = Pick<
  ConversionRow,
  'id' | 'publisher_id' | 'click_id' | 'status' | 'payout' | 'goal'
>;

/** Whether a conversion in `status` holds a credit under `creditOn`. */
function creditable(status: string, creditOn: string): boolean {
  return status === 'approved' || (creditOn === 'pending' && status === 'pending');
}

/**
 * Brings the conversion's credit in line with its new status: a credit when it becomes creditable
 * and holds none, a reversal of the credit it holds when it stops being creditable. Call inside the
 * transaction that wrote event `eventId`. Returns the entry written, if any.
 */
export async function applyRewardsForEvent(
  ctx: AppContext,
  trx: Db,
  conversion: RewardedConversion,
  eventId: number,
  now: number,
  /** A conversion this transaction created, with its click's sub ids: no entries yet, no click read. */
  created?: { subs: Record<string, string | null> },
): Promise<RewardEntryRow | undefined> {
  const row = await rewardSettingsCache(ctx).get(trx, conversion.publisher_id);
  // Never turned on: nothing was ever credited, nothing to do.
  if (!row) return undefined;
  return settle(trx, row, conversion, eventId, now, created);
}

async function settle(
  trx: Db,
  row: RewardSettingsRow,
  conversion: RewardedConversion,
  eventId: number,
  now: number,
  created: { subs: Record<string, string | null> } | undefined,
): Promise<RewardEntryRow | undefined> {
  const settings = toRewardSettings(row);
  const wanted = creditable(conversion.status, settings.creditOn);
  if (created && !wanted) return undefined;
  const entries = created ? [] : await findEntriesOfConversion(trx, conversion.id);
  const credits = entries.filter((e) => e.kind === 'credit');
  const reversed = new Set(entries.filter((e) => e.kind === 'reversal').map((e) => e.reverses));
  const held = credits.find((c) => !reversed.has(c.id));
  const base = {
    publisher_id: conversion.publisher_id,
    conversion_id: conversion.id,
    conversion_event_id: eventId,
    status: conversion.status,
    reason: null,
    actor: null,
    created_at: now,
  };

  if (wanted && !held) {
    if (!settings.enabled) return undefined;
    const userId = created
      ? created.subs[settings.userSubId]
      : await findClickSub(trx, conversion.click_id, settings.userSubId as SubKey);
    if (!userId) return undefined;
    const points = pointsFor(settings, conversion);
    if (points <= 0) return undefined;
    const balance = await addToBalance(trx, conversion.publisher_id, userId, points, now);
    return insertRewardEntry(trx, {
      ...base,
      user_id: userId,
      kind: 'credit',
      points,
      balance_after: balance,
      reverses: null,
      flagged: 0,
      // The n-th credit of a conversion (after n-1 reversals): two writers racing to credit the
      // same conversion collide here and one starts over.
      idempotency_key: `credit|${conversion.id}|${credits.length}`,
    });
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
      ...base,
      user_id: held.user_id,
      kind: 'reversal',
      points,
      balance_after: balance,
      reverses: held.id,
      flagged,
      idempotency_key: `reversal|${held.id}`,
    });
  }
  return undefined;
}
