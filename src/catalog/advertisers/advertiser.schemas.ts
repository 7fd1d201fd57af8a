import { type Static, Type } from '@sinclair/typebox';
import { STATUSES } from '../../conversions/conversion.table.ts';
import { Millis, StringEnum } from '../../shared/api-schemas.ts';

const StatusMap = Type.Record(Type.String({ minLength: 1, maxLength: 64 }), StringEnum(STATUSES), {
  description: "the advertiser's own status words → canonical status",
  maxProperties: 100,
});
const IpAllowlist = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
  maxItems: 200,
  description: 'CIDRs or addresses inbound postbacks may come from; empty = any',
});

export const Advertiser = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  postbackToken: Type.String(),
  postbackUrl: Type.String({ description: 'the URL this advertiser sends conversions to' }),
  postbackUrlTemplate: Type.String({ description: 'postbackUrl with the parameters to fill in' }),
  ipAllowlist: Type.Array(Type.String()),
  statusMap: Type.Record(Type.String(), Type.String()),
  createdAt: Millis,
  updatedAt: Millis,
});

export const CreateAdvertiserBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  ipAllowlist: Type.Optional(IpAllowlist),
  statusMap: Type.Optional(StatusMap),
});
export type CreateAdvertiserBody = Static<typeof CreateAdvertiserBody>;

export const UpdateAdvertiserBody = Type.Partial(CreateAdvertiserBody);
export type UpdateAdvertiserBody = Static<typeof UpdateAdvertiserBody>;
