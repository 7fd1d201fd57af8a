// The one interface the delivery engine sees of an ad platform: how many events a request may hold,
// how a conversion becomes the platform's event (or why it is not sent), and how a batch is sent.
import type { DestinationSettings, EventMapEntry, PlatformKind } from './common/destination-settings.ts';
import { mapEvent } from './common/destination-settings.ts';
import type { ConversionFacts, SendContext, SentBatch } from './common/platform.types.ts';
import {
  buildGoogleConversion,
  GOOGLE_BATCH_MAX,
  type GoogleConversion,
  sendGoogleBatch,
} from './google/google-ads.ts';
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
  },
};

/**
 * The platform event a conversion event becomes, or why it is not forwarded. Google takes no
 * reversal here: whether its Data Manager API can retract a conversion is stated both ways, so a
 * reversal is recorded as not forwarded rather than sent as something Google may count.
 */
export function platformEventFor(
  kind: PlatformKind,
  map: readonly EventMapEntry[],
  status: string,
  goal: string,
): { eventName: string } | { skip: string } {
  if (kind === 'google_ads' && status === 'reversed')
    return {
      skip: 'reversal not forwarded to Google: retract or adjust the conversion in Google Ads (best effort only through the API)',
    };
  const entry = mapEvent(map, status, goal);
  if (!entry) {
    const what = status === 'reversed' ? 'reversal not forwarded' : 'not forwarded';
    return { skip: `${what}: the event map has no event for status "${status}" and goal "${goal}"` };
  }
  return { eventName: entry.event };
}
