// The one interface the delivery engine sees of an ad platform: how many events a request may hold,
// how a conversion becomes the platform's event (or why it is not sent), and how a batch is sent.
import type { DestinationSettings, EventMapEntry, PlatformKind } from './common/destination-settings.ts';
import { mapEvent } from './common/destination-settings.ts';
import type { ConversionFacts, RequestCheck, SendContext, SentBatch } from './common/platform.types.ts';
import {
  buildGoogleConversion,
  GOOGLE_BATCH_MAX,
  type GoogleConversion,
  sendGoogleBatch,
} from './google/google-ads.ts';
import { checkGoogleRequest } from './google/google-request-status.ts';
import { buildMetaEvent, META_BATCH_MAX, type MetaEvent, sendMetaBatch } from './meta/meta-capi.ts';
import {
  buildTiktokEvent,
  sendTiktokBatch,
  TIKTOK_BATCH_MAX,
  type TiktokEvent,
} from './tiktok/tiktok-events.ts';

export interface Destination {
  label: string;
  batchMax: number;
  build(
    facts: ConversionFacts,
    settings: DestinationSettings,
    now: number,
  ): { event: unknown } | { skip: string };
  send(
    events: unknown[],
    settings: DestinationSettings,
    secrets: Record<string, string>,
    ctx: SendContext,
  ): Promise<SentBatch>;
  /** For a platform that reports later (ConfirmLater): what it says now about a request it took. */
  checkRequest?(
    requestId: string,
    settings: DestinationSettings,
    secrets: Record<string, string>,
    ctx: SendContext,
  ): Promise<RequestCheck>;
}

export const DESTINATIONS: Record<PlatformKind, Destination> = {
  meta_capi: {
    label: 'Meta',
    batchMax: META_BATCH_MAX,
    build: buildMetaEvent,
    send: (events, settings, secrets, ctx) => sendMetaBatch(events as MetaEvent[], settings, secrets, ctx),
  },
  tiktok_events: {
    label: 'TikTok',
    batchMax: TIKTOK_BATCH_MAX,
    build: (facts, settings) => buildTiktokEvent(facts, settings),
    send: (events, settings, secrets, ctx) =>
      sendTiktokBatch(events as TiktokEvent[], settings, secrets, ctx),
  },
  google_ads: {
    label: 'Google',
    batchMax: GOOGLE_BATCH_MAX,
    build: buildGoogleConversion,
    send: (events, settings, secrets, ctx) =>
      sendGoogleBatch(events as GoogleConversion[], settings, secrets, ctx),
    checkRequest: checkGoogleRequest,
  },
};

/**
 * The platform event a conversion event becomes, or why it is not forwarded. A reversal is forwarded
 * only when the event map names one (Google's module then decides whether its API can retract it).
 */
export function platformEventFor(
  map: readonly EventMapEntry[],
  status: string,
  goal: string,
): { eventName: string } | { skip: string } {
  const entry = mapEvent(map, status, goal);
  if (!entry) {
    const what = status === 'reversed' ? 'reversal not forwarded' : 'not forwarded';
    return { skip: `${what}: the event map has no event for status "${status}" and goal "${goal}"` };
  }
  return { eventName: entry.event };
}
