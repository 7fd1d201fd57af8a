// API shapes of /api/v1/reconciliations.
import { type Static, Type } from '@sinclair/typebox';
import { Id, Millis, Nullable, StringEnum } from '../shared/api-schemas.ts';
import { PAGE_FIELDS } from '../shared/pagination.ts';
import { FORMATS } from './presets.ts';
import { FINDING_KINDS } from './reconciliation.table.ts';

const Column = Type.String({ minLength: 1, maxLength: 200 });
export const Mapping = Type.Object(
  {
    clickId: Type.Optional(Column),
    txnId: Type.Optional(Column),
    time: Type.Optional(Column),
    status: Type.Optional(Column),
    amount: Type.Optional(Column),
  },
  { description: 'export column per field: clickId and/or txnId, time, status, amount' },
);
const Day = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'YYYY-MM-DD in the export time zone',
});
const TimeZone = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'IANA time zone of the export, e.g. UTC, Europe/Berlin',
});
const Currency = Type.String({ pattern: '^[A-Za-z]{3}$' });

export const CheckQuery = Type.Object({
  advertiserId: Id(),
  format: StringEnum(FORMATS),
  timeZone: TimeZone,
  currency: Currency,
  from: Day,
  to: Day,
  tolerance: Type.Optional(
    Type.Number({ minimum: 0, maximum: 1e6, description: 'allowed payout difference (default 0.01)' }),
  ),
  presetName: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'save the mapping as this preset of the advertiser',
    }),
  ),
  clickIdColumn: Type.Optional(Column),
  txnIdColumn: Type.Optional(Column),
  timeColumn: Type.Optional(Column),
  statusColumn: Type.Optional(Column),
  amountColumn: Type.Optional(Column),
});
export type CheckQuery = Static<typeof CheckQuery>;

export const DayOffer = Type.Object({
  day: Type.String(),
  offerId: Nullable(Type.Integer()),
  ourCount: Type.Integer(),
  theirCount: Type.Integer(),
  ourAmount: Type.Number(),
  theirAmount: Type.Number(),
  countDiffPercent: Nullable(Type.Number()),
  amountDiffPercent: Nullable(Type.Number()),
});

export const Reconciliation = Type.Object({
  id: Type.String(),
  advertiserId: Type.Integer(),
  format: Type.String(),
  mapping: Mapping,
  timeZone: Type.String(),
  currency: Type.String(),
  from: Type.String(),
  to: Type.String(),
  tolerance: Type.Number(),
  rowsRead: Type.Integer(),
  counts: Type.Record(Type.String(), Type.Integer()),
  days: Type.Array(DayOffer),
  createdBy: Nullable(Type.String()),
  createdAt: Millis,
});

export const Finding = Type.Object({
  id: Type.Integer(),
  kind: StringEnum(FINDING_KINDS),
  line: Nullable(Type.Integer()),
  day: Nullable(Type.String()),
  offerId: Nullable(Type.Integer()),
  clickId: Nullable(Type.String()),
  txnId: Nullable(Type.String()),
  conversionId: Nullable(Type.String()),
  theirStatus: Nullable(Type.String()),
  ourStatus: Nullable(Type.String()),
  theirAmount: Nullable(Type.Number()),
  ourAmount: Nullable(Type.Number()),
  theirDay: Nullable(Type.String()),
  ourDay: Nullable(Type.String()),
  resolution: Nullable(Type.String()),
  resolutionCode: Nullable(Type.String()),
  resolvedAt: Nullable(Millis),
});

export const FindingQuery = Type.Object({ ...PAGE_FIELDS, kind: Type.Optional(StringEnum(FINDING_KINDS)) });
export type FindingQuery = Static<typeof FindingQuery>;

export const ActionBody = Nullable(
  Type.Object({
    findingIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 5000 })),
  }),
);
export type ActionBody = Static<typeof ActionBody>;

export const ActionResult = Type.Object({
  outcomes: Type.Array(
    Type.Object({
      findingId: Type.Integer(),
      resolution: Type.String(),
      code: Type.String(),
      conversionId: Nullable(Type.String()),
    }),
  ),
});

export const Preset = Type.Object({
  id: Type.Integer(),
  advertiserId: Type.Integer(),
  name: Type.String(),
  format: Type.String(),
  mapping: Mapping,
  timeZone: Type.String(),
  currency: Type.String(),
  updatedAt: Millis,
});

export const PresetList = Type.Object({
  builtIn: Type.Record(Type.String(), Mapping),
  saved: Type.Array(Preset),
});

export const PresetQuery = Type.Object({ advertiserId: Id() });
export type PresetQuery = Static<typeof PresetQuery>;

export const CreatePresetBody = Type.Object({
  advertiserId: Id(),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  format: StringEnum(FORMATS),
  mapping: Mapping,
  timeZone: TimeZone,
  currency: Currency,
});
export type CreatePresetBody = Static<typeof CreatePresetBody>;

export const PreviewResult = Type.Object({
  header: Type.Array(Type.String()),
  detectedFormat: Type.String(),
  mapping: Mapping,
  sample: Type.Array(Type.Array(Type.String())),
});
