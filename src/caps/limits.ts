// Caps tuning constants.

/**
 * How often each node reads the reached caps from the store: the bound on how long clicks keep going
 * to an offer whose cap another node's conversion filled, or stay away from one whose cap was raised.
 */
export const REACHED_CAPS_REFRESH_MS = 3_000;
/** A cap marked reached by a conversion on this node stays so this long even if a read misses it (its commit may come after the read). */
export const MARK_HOLD_MS = 2 * REACHED_CAPS_REFRESH_MS;
