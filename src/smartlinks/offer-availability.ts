// Whether an offer may take a SmartLink click right now. Called on every SmartLink click, so it must
// answer from memory. Paused rule offers never reach it (they are left out when a SmartLink is
// compiled); the default takes every other offer. Caps plug in here: an AppContext may carry its own
// check (ctx.offerAvailability), which the click path and the tester both use.
export type OfferAvailability = (offerId: number, publisherId: number) => boolean;

export const everyOfferAvailable: OfferAvailability = () => true;
