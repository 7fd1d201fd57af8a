// SmartLink tuning constants.

/** How often auto-optimised SmartLinks have their weights recomputed from recent EPC. */
export const OPTIMIZE_INTERVAL_MS = 10 * 60_000;
/** An offer needs this many clicks in the window before its EPC is trusted. */
export const MIN_CLICKS_FOR_EPC = 50;
/** Optimised weights are on a 0–1000 scale; the best offer by EPC gets the top. */
export const OPTIMIZED_WEIGHT_SCALE = 1000;
/** No offer with data drops below this share of the top weight, so it keeps being measured. */
export const MIN_OPTIMIZED_WEIGHT = 50;
export const MAX_RULES = 100;
export const MAX_OFFERS_PER_RULE = 50;
