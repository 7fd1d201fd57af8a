// SQL of an endpoint's durable health, on its postback row; the caller passes the db or a transaction.
import { sql } from 'kysely';
import type { Db } from '../db/database.types.ts';

/** What the health rules read of each endpoint. */
export function findEndpointHealth(db: Db, postbackIds: number[]) {
  return db
    .selectFrom('postbacks')
    .select(['id', 'state', 'failure_streak', 'last_success_at', 'created_at'])
    .where('id', 'in', postbackIds)
    .execute();
}

/** Adds failures to the streak: an increment, not a read-modify-write, so two workers' failures both count. */
export async function addEndpointFailures(
  db: Db,
  postbackId: number,
  failures: number,
  at: number,
): Promise<void> {
  await db
    .updateTable('postbacks')
    .set((eb) => ({ failure_streak: eb('failure_streak', '+', failures), last_failure_at: at }))
    .where('id', '=', postbackId)
    .execute();
}

export async function markEndpointDisabled(
  db: Db,
  postbackId: number,
  reason: string,
  now: number,
): Promise<void> {
  await db
    .updateTable('postbacks')
    .set({ state: 'disabled', disabled_reason: reason, disabled_at: now, updated_at: now })
    .where('id', '=', postbackId)
    .execute();
}

export interface EndpointSuccess {
  id: number;
  streak: number;
  lastSuccessAt: number;
  lastFailureAt: number | undefined;
}

const value = (v: number) => sql`CAST(${v} AS bigint)`;

/** One UPDATE for every endpoint of the batch that saw a success (the common case), not one each. */
export async function writeEndpointSuccesses(db: Db, rows: readonly EndpointSuccess[]): Promise<void> {
  if (rows.length === 0) return;
  const column = (name: string, pick: (r: EndpointSuccess) => number | undefined) => {
    const whens = rows.flatMap((r) => {
      const v = pick(r);
      return v === undefined ? [] : [sql`WHEN ${sql.lit(r.id)} THEN ${value(v)}`];
    });
    return whens.length === 0
      ? sql.ref(name)
      : sql`CASE id ${sql.join(whens, sql` `)} ELSE ${sql.ref(name)} END`;
  };
  await db
    .updateTable('postbacks')
    .set({
      failure_streak: column('failure_streak', (r) => r.streak) as never,
      last_success_at: column('last_success_at', (r) => r.lastSuccessAt) as never,
      last_failure_at: column('last_failure_at', (r) => r.lastFailureAt) as never,
    })
    .where(
      'id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
}
