// Schema pieces every admin resource shares, so the OpenAPI document speaks one dialect.
import { type Static, type TSchema, Type } from '@sinclair/typebox';

/** A string restricted to `values`, emitted as a plain `enum` (clearer errors and docs than anyOf). */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

/** Ids also land in PostgreSQL `integer` columns, so anything larger must be a 400, not a 500. */
export const MAX_ID = 2_147_483_647;
export const Id = () => Type.Integer({ minimum: 1, maximum: MAX_ID });

export const IdParams = Type.Object({ id: Id() });
export type IdParams = Static<typeof IdParams>;

export const TextIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export type TextIdParams = Static<typeof TextIdParams>;

export const Millis = Type.Integer({ minimum: 0, description: 'milliseconds since the Unix epoch' });

/** `from` (inclusive) and `to` (exclusive) bounds of a time-filtered list. */
export const TimeRange = {
  from: Type.Optional(
    Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'inclusive, ms since epoch' }),
  ),
  to: Type.Optional(
    Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'exclusive, ms since epoch' }),
  ),
};

export const Money = Type.Number({ minimum: 0, maximum: 1e12 });
