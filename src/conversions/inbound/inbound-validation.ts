// Value checks for inbound parameters. Senders leave macros unreplaced ("{payout}"), send
// garbage or absurd numbers; each is refused with its own code instead of being stored.
export const MAX_AMOUNT = 1e9;
export const MAX_TXN_ID_LENGTH = 255;
/** Our click ids are 24 characters; anything much longer cannot be one of ours. */
export const MAX_CLICK_ID_LENGTH = 64;
export const MAX_GOAL_LENGTH = 200;
/** As for a click's sub ids: a longer advertiser sub id is cut, not refused. */
export const MAX_ADV_SUB_LENGTH = 512;

/** A decimal amount ("3.50", "12"), or undefined when it is not a sane money value. */
export function parseAmount(raw: string): number | undefined {
  const text = raw.trim();
  if (!/^\d{1,12}(\.\d{1,12})?$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 && value <= MAX_AMOUNT ? value : undefined;
}

/** ISO 4217 code, upper-cased, or undefined. */
export function parseCurrency(raw: string): string | undefined {
  const text = raw.trim();
  return /^[A-Za-z]{3}$/.test(text) ? text.toUpperCase() : undefined;
}

export function isValidTxnId(raw: string): boolean {
  return raw.length <= MAX_TXN_ID_LENGTH;
}

/** Why an advertiser's amount needs a human look, or null when it is within tolerance of the expected revenue. */
export function payoutReviewReason(amount: number, expected: number, tolerance: number): string | null {
  // Nothing configured to compare against: the advertiser's figure is all we have.
  if (expected <= 0) return null;
  if (Math.abs(amount - expected) <= expected * tolerance) return null;
  return `amount ${amount} is outside ±${Math.round(tolerance * 100)}% of the expected revenue ${expected}`;
}
