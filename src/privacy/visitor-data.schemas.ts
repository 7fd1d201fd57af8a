import { type Static, Type } from '@sinclair/typebox';
import { Millis, TimeRange } from '../shared/api-schemas.ts';

export const VisitorQuery = Type.Object({
  clickId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  ip: Type.Optional(
    Type.String({
      minLength: 2,
      maxLength: 64,
      description: 'the address as captured; searches every click unless from/to bound it',
    }),
  ),
  ...TimeRange,
});
export type VisitorQuery = Static<typeof VisitorQuery>;

const Rows = Type.Array(Type.Record(Type.String(), Type.Unknown()));

export const VisitorExport = Type.Object({
  exportedAt: Millis,
  clicks: Rows,
  conversions: Rows,
  conversionEvents: Rows,
  postbackLog: Rows,
});

export const VisitorDeletion = Type.Object({
  clicks: Type.Integer(),
  conversions: Type.Integer(),
  conversionEvents: Type.Integer(),
  deliveries: Type.Integer(),
  deliveryAttempts: Type.Integer(),
  postbackLog: Type.Integer(),
});
