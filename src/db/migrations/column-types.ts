// The few column definitions that differ between SQLite and PostgreSQL, in one place.
import { type ColumnDefinitionBuilder, type CreateTableBuilder, sql } from 'kysely';
import type { Capabilities } from '../capabilities.ts';

/** An auto-incrementing integer primary key named `id`. */
export function withSerialId<T extends string>(
  table: CreateTableBuilder<T, never>,
  capabilities: Capabilities,
) {
  return capabilities.dialect === 'postgres'
    ? table.addColumn('id', 'bigserial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

/** Millisecond timestamps and counters that outgrow 32 bits. */
export const bigint = 'bigint' as const;
/** Money amounts (double precision on both: exact enough for payouts, summable in SQL). */
export const money = sql`double precision`;
export const notNull = (c: ColumnDefinitionBuilder) => c.notNull();
