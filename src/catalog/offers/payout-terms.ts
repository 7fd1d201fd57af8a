// How much a publisher earns on a conversion: revenue is what the advertiser pays the network,
// payout what the network pays the publisher, either a fixed amount or a share of the revenue.
export const PAYOUT_TYPES = ['fixed', 'revshare'] as const;
export type PayoutType = (typeof PAYOUT_TYPES)[number];

export interface PayoutTerm {
  payoutType: PayoutType;
  /** An amount for fixed, a percent (0–100) of the revenue for revshare. */
  payout: number;
}

/** Computed shares keep sub-cent amounts (CPM-like payouts) but no binary noise. */
const MONEY_DECIMALS = 4;

export function roundMoney(value: number): number {
  const factor = 10 ** MONEY_DECIMALS;
  return Math.round((value + Number.EPSILON) * factor) / factor;
}

/** The publisher's payout for a conversion that earns the network `revenue`. */
export function payoutFor(term: PayoutTerm, revenue: number): number {
  return term.payoutType === 'revshare' ? roundMoney((revenue * term.payout) / 100) : term.payout;
}

/**
 * The term that applies: the goal's own payout when it has one, else the publisher's override of
 * the offer's payout, else the offer's.
 */
export function pickPayoutTerm(
  offer: PayoutTerm,
  publisherOverride: PayoutTerm | null,
  goal: { payoutType: PayoutType; payout: number | null } | null,
): PayoutTerm {
  if (goal && goal.payout !== null) return { payoutType: goal.payoutType, payout: goal.payout };
  return publisherOverride ?? offer;
}
