import { type Static, Type } from '@sinclair/typebox';
import { Millis, Nullable, TimeRange } from '../shared/api-schemas.ts';
import { PAGE_FIELDS } from '../shared/pagination.ts';

export const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Millis,
  actor: Type.String({ description: 'key:<id>, user:<id>, or env (TRACKWIRE_ADMIN_KEY)' }),
  role: Type.String(),
  via: Type.String({ description: 'api or dashboard' }),
  method: Type.String(),
  path: Type.String(),
  resource: Type.String(),
  resourceId: Nullable(Type.String()),
  statusCode: Type.Integer(),
  before: Type.Unknown({ description: 'the state before, secrets redacted; null for a creation' }),
  after: Type.Unknown({
    description: 'the state after (the response), secrets redacted; null for a deletion',
  }),
});

export const AuditQuery = Type.Object({
  ...PAGE_FIELDS,
  ...TimeRange,
  resource: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  actor: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});
export type AuditQuery = Static<typeof AuditQuery>;
