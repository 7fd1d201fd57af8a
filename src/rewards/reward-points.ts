// How many points a conversion is worth under a publisher's settings.
import type { RewardSettings } from './reward.table.ts';

const ROUND = { floor: Math.floor, round: Math.round, ceil: Math.ceil } as const;

/** Fixed points for the goal when set, else the payout times the rate, rounded as chosen. */
export function pointsFor(settings: RewardSettings, conversion: { payout: number; goal: string }): number {
  const fixed = settings.pointsPerGoal[conversion.goal];
  const raw = fixed ?? Number(conversion.payout) * settings.pointsPerUnit;
  // Money is a double: 0.29 × 100 is 28.999…, which must floor to 29, not 28.
  const cleaned = Math.round(raw * 1e6) / 1e6;
  return ROUND[settings.rounding](cleaned);
}
