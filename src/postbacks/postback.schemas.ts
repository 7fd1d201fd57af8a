// API shapes of /api/v1/postbacks (camelCase; the table is snake_case).
import { type Static, Type } from '@sinclair/typebox';
import { POSTBACK_AUDIENCES } from '../auth/field-visibility.ts';
import { STATUSES } from '../conversions/conversion.table.ts';
import { Millis, Nullable, StringEnum } from '../shared/api-schemas.ts';
import { PageQuery } from '../shared/pagination.ts';
import { POSTBACK_KINDS, VALUE_SOURCES } from './postback.table.ts';
import { LEDGER_EVENTS } from './postback-matching.ts';

export const MAX_TIMEOUT_MS = 30_000;
export const SCOPES = ['global', 'offer', 'goal', 'link'] as const;
export const METHODS = ['GET', 'POST'] as const;
export const BODY_FORMATS = ['form', 'json'] as const;

const Statuses = Type.Array(StringEnum([...STATUSES, ...LEDGER_EVENTS]), {
  minItems: 1,
  uniqueItems: true,
  description:
    'statuses that fire it; all five (the default) = "All conversions". A global URL postback may also name the rewards ledger entries written by hand: adjustment, redemption',
});
const Headers = Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Type.String({ maxLength: 2000 }), {
  description: 'extra request headers; values may hold macros (rendered raw)',
});

const SecretParams = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  maxItems: 20,
  uniqueItems: true,
  description:
    'query parameters, form fields and JSON keys whose values are secret: stored and shown as REDACTED (token, secret, api_key, key, password, signature… always are)',
});
const SecretPathSegments = Type.Array(Type.Integer({ minimum: 1, maximum: 32 }), {
  maxItems: 32,
  uniqueItems: true,
  description: 'URL path segments whose text is secret, by position (1 = the first after the host)',
});

const Setting = (description: string) => Type.String({ minLength: 1, maxLength: 2000, description });
const Secret = (description: string) =>
  Type.String({
    minLength: 1,
    maxLength: 4000,
    description: `${description}; secret: stored encrypted, never returned`,
  });
const Destination = Type.Object(
  {
    pixelId: Type.Optional(Setting('meta_capi: the dataset (pixel) id')),
    pixelCode: Type.Optional(Setting('tiktok_events: the pixel code')),
    accessToken: Type.Optional(Secret('meta_capi, tiktok_events: the access token')),
    testEventCode: Type.Optional(
      Nullable(Setting('meta_capi, tiktok_events: test code used by "Test conversion"')),
    ),
    api: Type.Optional(
      StringEnum(['data_manager', 'click_upload'] as const, {
        description: 'google_ads: Data Manager (default) or the legacy click upload',
      }),
    ),
    operatingAccountId: Type.Optional(Setting('google_ads: the Google Ads customer id (10 digits)')),
    conversionActionId: Type.Optional(Setting('google_ads: the conversion action id')),
    clientId: Type.Optional(Setting('google_ads: OAuth client id')),
    clientSecret: Type.Optional(Secret('google_ads: OAuth client secret')),
    refreshToken: Type.Optional(Secret('google_ads: OAuth refresh token')),
    developerToken: Type.Optional(Nullable(Secret('google_ads click_upload: the developer token'))),
    loginCustomerId: Type.Optional(Nullable(Setting('google_ads: the manager account id (10 digits)'))),
    eventSourceUrl: Type.Optional(
      Nullable(Setting('meta_capi, tiktok_events: the page where conversions happen')),
    ),
    allowWithoutClickId: Type.Optional(
      Type.Boolean({
        description: 'send conversions whose click has no click id of this platform (default false)',
      }),
    ),
  },
  {
    description: "the ad platform's settings (kind other than url); a secret left out keeps its stored value",
  },
);
const EventMap = Type.Array(
  Type.Object({
    status: StringEnum(STATUSES),
    goal: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    event: Type.String({ minLength: 1, maxLength: 100, description: "the platform's event name" }),
  }),
  {
    maxItems: 50,
    description: 'which status (and goal) becomes which platform event; first goal match, then any goal',
  },
);
const platform = {
  kind: StringEnum(POSTBACK_KINDS, { description: 'url (a URL template) or an ad platform' }),
  destination: Destination,
  eventMap: EventMap,
  value: StringEnum(VALUE_SOURCES, { description: 'the amount sent as the event value' }),
};

const editable = {
  audience: StringEnum(POSTBACK_AUDIENCES, {
    description:
      "publisher (default): the publisher's receiver, which may not use {revenue}, {sale_amount} or {advertiser_id}; network: the network's own tracker (admin keys only)",
  }),
  scope: StringEnum(SCOPES, {
    description:
      "global: every offer; offer: offerId; goal: offerId + goal; link: linkId (one of the publisher's links)",
  }),
  offerId: Nullable(Type.Integer({ minimum: 1 })),
  goal: Nullable(
    Type.String({ minLength: 1, maxLength: 64, description: 'goal key ("default" = the main conversion)' }),
  ),
  linkId: Nullable(
    Type.Integer({
      minimum: 1,
      maximum: 2_147_483_647,
      description: "link scope: the publisher's tracking link",
    }),
  ),
  url: Type.String({
    minLength: 1,
    maxLength: 4000,
    description: 'URL template with macros such as {click_id}',
  }),
  method: StringEnum(METHODS),
  bodyFormat: Nullable(StringEnum(BODY_FORMATS, { description: 'POST only' })),
  bodyTemplate: Nullable(Type.String({ maxLength: 20_000, description: 'POST only; macros allowed' })),
  headers: Headers,
  secretParams: SecretParams,
  secretPathSegments: SecretPathSegments,
  statuses: Statuses,
  enabled: Type.Boolean({
    description:
      'true: it owes a delivery for every matching conversion and sends it (setting it also re-enables a disabled endpoint); false: it owes nothing. Read back, true exactly when state is active',
  }),
  fireWithSpecific: Type.Boolean({
    description:
      'global/offer scope: also fire when a more specific postback fires (default: most specific wins)',
  }),
  timeoutMs: Type.Integer({ minimum: 1000, maximum: MAX_TIMEOUT_MS }),
  retry4xx: Type.Boolean({
    description: 'false: a 4xx other than 408/429 ends the delivery without retries',
  }),
};

export const CreatePostbackBody = Type.Object({
  publisherId: Type.Optional(
    Type.Integer({ minimum: 1, description: 'defaults to the caller for publisher keys' }),
  ),
  url: Type.Optional(editable.url),
  kind: Type.Optional(platform.kind),
  destination: Type.Optional(platform.destination),
  eventMap: Type.Optional(platform.eventMap),
  value: Type.Optional(platform.value),
  audience: Type.Optional(editable.audience),
  scope: Type.Optional(editable.scope),
  offerId: Type.Optional(editable.offerId),
  goal: Type.Optional(editable.goal),
  linkId: Type.Optional(editable.linkId),
  method: Type.Optional(editable.method),
  bodyFormat: Type.Optional(editable.bodyFormat),
  bodyTemplate: Type.Optional(editable.bodyTemplate),
  headers: Type.Optional(editable.headers),
  secretParams: Type.Optional(editable.secretParams),
  secretPathSegments: Type.Optional(editable.secretPathSegments),
  statuses: Type.Optional(editable.statuses),
  enabled: Type.Optional(editable.enabled),
  fireWithSpecific: Type.Optional(editable.fireWithSpecific),
  timeoutMs: Type.Optional(editable.timeoutMs),
  retry4xx: Type.Optional(editable.retry4xx),
});
export type CreatePostbackBody = Static<typeof CreatePostbackBody>;

export const UpdatePostbackBody = Type.Partial(Type.Object({ ...editable, ...platform }), {
  minProperties: 1,
});
export type UpdatePostbackBody = Static<typeof UpdatePostbackBody>;

export const Postback = Type.Object({
  id: Type.Integer(),
  publisherId: Type.Integer(),
  ...editable,
  kind: platform.kind,
  destination: Nullable(
    Type.Record(Type.String(), Type.Unknown(), {
      description: 'settings; each secret shown as {"set": true, "lastFour": "…"}',
    }),
  ),
  eventMap: platform.eventMap,
  value: platform.value,
  state: StringEnum(['active', 'held', 'off'] as const, {
    description:
      'active: fires and sends; held: fires but its endpoint is disabled (410, long failure streak or POST …/disable), deliveries held; off: switched off, owes nothing',
  }),
  disabledReason: Nullable(Type.String({ description: 'why it is held; null unless state is held' })),
  disabledAt: Nullable(Millis),
  failureStreak: Type.Integer(),
  lastSuccessAt: Nullable(Millis),
  lastFailureAt: Nullable(Millis),
  createdAt: Millis,
  updatedAt: Millis,
});
export type Postback = Static<typeof Postback>;

export const SavedPostback = Type.Composite([
  Postback,
  Type.Object({ warnings: Type.Array(Type.String(), { description: 'saved, but worth a look' }) }),
]);

export const PostbackListQuery = Type.Composite([
  PageQuery,
  Type.Object({
    publisherId: Type.Optional(Type.Integer({ minimum: 1 })),
    offerId: Type.Optional(Type.Integer({ minimum: 1 })),
  }),
]);
export type PostbackListQuery = Static<typeof PostbackListQuery>;

/** Optional: a bare POST (no body) enables without releasing. */
export const EnableBody = Type.Object(
  {
    releaseHeld: Type.Optional(
      Type.Boolean({ description: 'also send the deliveries held while it was disabled' }),
    ),
  },
  { nullable: true },
);
export type EnableBody = Static<typeof EnableBody>;
