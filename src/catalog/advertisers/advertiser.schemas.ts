import { type Static, Type } from '@sinclair/typebox';
import { STATUSES } from '../../conversions/conversion.table.ts';
import { NETWORK_SLUG } from '../../conversions/inbound/names/inbound-params.ts';
import { listInboundPresets } from '../../conversions/inbound/names/inbound-presets.ts';
import { MAPPABLE_FIELDS, PARAM_NAME } from '../../conversions/inbound/names/parameter-map.ts';
import { Millis, Nullable, StringEnum } from '../../shared/api-schemas.ts';

const StatusMap = Type.Record(Type.String({ minLength: 1, maxLength: 64 }), StringEnum(STATUSES), {
  description: "the advertiser's own status words → canonical status",
  maxProperties: 100,
});
const IpAllowlist = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
  maxItems: 200,
  description: 'CIDRs or addresses inbound postbacks may come from; empty = any',
});
const Network = Nullable(
  Type.String({
    pattern: NETWORK_SLUG.source,
    description: 'names the advertiser on /postback?network=…; lowercase letters, digits, dashes; unique',
  }),
);
const PRESET_NAMES = listInboundPresets().map((p) => p.name);
const Preset = Nullable(
  StringEnum(PRESET_NAMES, { description: 'an inbound preset (GET /inbound-presets)' }),
);
const ParamName = Nullable(
  Type.String({
    // Any case in, lower case stored: request parameter names are matched in lower case.
    pattern: PARAM_NAME.source.replace('a-z', 'A-Za-z'),
    description: 'the parameter name; null = never read this field',
  }),
);
const ParameterMap = Type.Object(
  Object.fromEntries(MAPPABLE_FIELDS.map((field) => [field, Type.Optional(ParamName)])),
  { description: "the advertiser's own parameter names, over its preset's; unknown fields are refused" },
);
const SignatureSecret = Nullable(
  Type.String({
    minLength: 1,
    maxLength: 200,
    description: "the network's signing secret; never shown again",
  }),
);

export const Advertiser = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  postbackToken: Type.String(),
  postbackUrl: Type.String({ description: 'the URL this advertiser sends conversions to' }),
  postbackUrlTemplate: Type.String({ description: 'postbackUrl with the parameters to fill in' }),
  network: Nullable(Type.String()),
  networkPostbackUrl: Nullable(
    Type.String({ description: '/postback?network=… with the mapped parameter names, ready to copy' }),
  ),
  preset: Nullable(Type.String()),
  parameterMap: Type.Record(Type.String(), Nullable(Type.String())),
  effectiveParameterMap: Type.Record(Type.String(), Nullable(Type.String()), {
    description: 'the names read for each field: the preset overlaid with parameterMap',
  }),
  signatureSecretSet: Type.Boolean(),
  ipAllowlist: Type.Array(Type.String()),
  statusMap: Type.Record(Type.String(), Type.String()),
  createdAt: Millis,
  updatedAt: Millis,
});

export const CreateAdvertiserBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  ipAllowlist: Type.Optional(IpAllowlist),
  statusMap: Type.Optional(StatusMap),
  network: Type.Optional(Network),
  preset: Type.Optional(Preset),
  parameterMap: Type.Optional(ParameterMap),
  signatureSecret: Type.Optional(SignatureSecret),
});
export type CreateAdvertiserBody = Static<typeof CreateAdvertiserBody>;

export const UpdateAdvertiserBody = Type.Partial(CreateAdvertiserBody);
export type UpdateAdvertiserBody = Static<typeof UpdateAdvertiserBody>;

export const InboundPresetView = Type.Object({
  name: Type.String(),
  label: Type.String(),
  kind: StringEnum(['tracker', 'offerwall']),
  parameterMap: Type.Record(Type.String(), Nullable(Type.String())),
  statusMap: Type.Record(Type.String(), Type.String()),
  macros: Type.Record(Type.String(), Type.String()),
  appendsOwnParameters: Type.Boolean({ description: 'the network adds its own parameter names to the URL' }),
  signature: Nullable(
    Type.Object({
      param: Type.String(),
      algorithm: Type.String(),
      fields: Type.Array(Type.String()),
      separator: Type.String(),
    }),
  ),
  source: Type.String({ description: 'where the names were taken from' }),
});
