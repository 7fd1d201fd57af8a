import { type Static, Type } from '@sinclair/typebox';
import { Millis, Nullable } from '../shared/api-schemas.ts';
import { MAX_RETENTION_DAYS } from './retention.service.ts';

// A type list, not anyOf: with anyOf the validator's coercion would turn 0 into null ("never").
const Days = Type.Unsafe<number | null>({
  type: ['integer', 'null'],
  minimum: 1,
  maximum: MAX_RETENTION_DAYS,
});

export const RetentionRun = Type.Object({
  startedAt: Millis,
  finishedAt: Millis,
  clicksAnonymized: Type.Integer(),
  logBodiesDeleted: Type.Integer(),
  attemptBodiesDeleted: Type.Integer(),
  batches: Type.Integer(),
});

export const RetentionSettings = Type.Object({
  anonymizeAfterDays: {
    ...Days,
    description:
      'clicks older than this keep only their IP /24 or /48 and lose their user agent; null = never',
  },
  purgeBodiesAfterDays: {
    ...Days,
    description:
      'inbound postback log bodies and delivery attempt bodies older than this are deleted; null = never',
  },
  updatedAt: Millis,
  lastRunAt: Nullable(Millis),
  lastRun: Nullable(RetentionRun),
});

export const UpdateRetentionBody = Type.Object({
  anonymizeAfterDays: Type.Optional(Days),
  purgeBodiesAfterDays: Type.Optional(Days),
});
export type UpdateRetentionBody = Static<typeof UpdateRetentionBody>;
