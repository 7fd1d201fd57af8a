// A publisher's rewards settings: validated, stored, and kept in memory briefly because every
// conversion event asks for them (edits on this node clear the cache at once, as offer terms do).
import type { Db } from '../db/database.types.ts';
import type { AppContext } from '../server/app-context.ts';
import { AppError } from '../shared/errors.ts';
import { SUB_KEYS } from '../tracking/clicks/click.table.ts';
import { findRewardSettings, upsertRewardSettings } from './reward.repository.ts';
import type { RewardSettings, RewardSettingsRow } from './reward.table.ts';

const TTL_MS = 5_000;

export const DEFAULT_REWARD_SETTINGS: RewardSettings = Object.freeze({
  enabled: false,
  userSubId: 'sub1',
  currency: 'points',
  pointsPerUnit: 100,
  pointsPerGoal: {},
  rounding: 'floor',
  creditOn: 'approved',
  allowNegative: true,
});

// Settings rows come from the cache and are read for every conversion event: parsed once each.
const parsed = new WeakMap<RewardSettingsRow, RewardSettings>();

export function toRewardSettings(row: RewardSettingsRow | undefined): RewardSettings {
  if (!row) return { ...DEFAULT_REWARD_SETTINGS, pointsPerGoal: {} };
  let settings = parsed.get(row);
  if (!settings) {
    settings = parseSettings(row);
    parsed.set(row, settings);
  }
  return settings;
}

function parseSettings(row: RewardSettingsRow): RewardSettings {
  return {
    enabled: row.enabled === 1,
    userSubId: row.user_sub_id,
    currency: row.currency,
    pointsPerUnit: Number(row.points_per_unit),
    pointsPerGoal: JSON.parse(row.points_per_goal) as Record<string, number>,
    rounding: row.rounding,
    creditOn: row.credit_on,
    allowNegative: row.allow_negative === 1,
  };
}

export async function getRewardSettings(ctx: AppContext, publisherId: number): Promise<RewardSettings> {
  return toRewardSettings(await findRewardSettings(ctx.store.db, publisherId));
}

/** Merges `patch` into the publisher's settings; returns the stored settings. */
export async function saveRewardSettings(
  ctx: AppContext,
  publisherId: number,
  patch: Partial<RewardSettings>,
): Promise<RewardSettings> {
  const next = { ...(await getRewardSettings(ctx, publisherId)), ...patch };
  if (!(SUB_KEYS as readonly string[]).includes(next.userSubId)) {
    throw new AppError('validation_failed', `rewards.userSubId: one of ${SUB_KEYS.join(', ')}`);
  }
  await upsertRewardSettings(ctx.store.db, {
    publisher_id: publisherId,
    enabled: next.enabled ? 1 : 0,
    user_sub_id: next.userSubId,
    currency: next.currency,
    points_per_unit: next.pointsPerUnit,
    points_per_goal: JSON.stringify(next.pointsPerGoal),
    rounding: next.rounding,
    credit_on: next.creditOn,
    allow_negative: next.allowNegative ? 1 : 0,
    updated_at: ctx.clock.now(),
  });
  ctx.events.emit('catalog.changed');
  return next;
}

export interface RewardSettingsCache {
  /**
   * The publisher's stored settings; undefined when it never had any (nothing to do). A miss reads
   * with `db`: inside a transaction on SQLite, its one connection is the only one there is.
   */
  get(db: Db, publisherId: number): Promise<RewardSettingsRow | undefined>;
}

const caches = new WeakMap<AppContext, RewardSettingsCache>();

/** One cache per process context. */
export function rewardSettingsCache(ctx: AppContext): RewardSettingsCache {
  let cache = caches.get(ctx);
  if (!cache) {
    cache = createCache(ctx);
    caches.set(ctx, cache);
  }
  return cache;
}

function createCache(ctx: AppContext): RewardSettingsCache {
  let entries = new Map<number, { row: RewardSettingsRow | undefined; expiresAt: number }>();
  let generation = 0;
  ctx.events.on('catalog.changed', () => {
    generation++;
    entries = new Map();
  });
  return {
    async get(db, publisherId) {
      const entry = entries.get(publisherId);
      const now = Date.now();
      if (entry && entry.expiresAt > now) return entry.row;
      const started = generation;
      const row = await findRewardSettings(db, publisherId);
      if (started === generation) entries.set(publisherId, { row, expiresAt: now + TTL_MS });
      return row;
    },
  };
}
