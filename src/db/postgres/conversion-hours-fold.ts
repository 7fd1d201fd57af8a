// Folds the conversion-hour changes (migration 0028) into report_conversion_hours on PostgreSQL:
// the rollup catch-up runs it after each chunk. What a report reads, the hours plus the changes not
// folded yet, is the same before and after.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.types.ts';

const COUNTS = ['pending', 'approved', 'rejected', 'declined', 'reversed'];
const MEASURES = [...COUNTS, 'revenue', 'payout'];
const KEY = 'day, offer_id, advertiser_id, hour';

interface HourKey {
  day: string;
  offer_id: number;
  advertiser_id: number;
  hour: string;
}

export function foldConversionHourChanges(db: Kysely<Database>): Promise<void> {
  return db.transaction().execute(async (trx) => {
    // Folds take turns, so two never wait on each other's changes in opposite orders; EXCLUSIVE
    // still lets reports read, and only folds write the hours.
    await sql`lock table report_conversion_hours in exclusive mode`.execute(trx);
    // Changes committed after this statement's snapshot stay for the next fold.
    const emptied = await sql<HourKey>`with moved as (delete from report_conversion_hour_changes returning *),
      added as (insert into report_conversion_hours (${sql.raw(`${KEY}, ${MEASURES.join(', ')}`)})
        select ${sql.raw(`${KEY}, ${MEASURES.map((m) => `sum(${m})`).join(', ')}`)} from moved
        group by ${sql.raw(KEY)} order by ${sql.raw(KEY)}
        on conflict (${sql.raw(KEY)}) do update set
          ${sql.raw(MEASURES.map((m) => `${m} = report_conversion_hours.${m} + excluded.${m}`).join(', '))}
        returning ${sql.raw(`${KEY}, ${COUNTS.join(', ')}`)})
      select ${sql.raw(KEY)} from added where ${sql.raw(COUNTS.map((m) => `${m} = 0`).join(' and '))}`.execute(
      trx,
    );
    if (emptied.rows.length === 0) return;
    // An hour that counts no conversion goes: its money, added and taken off in another order, may
    // not come back to exactly 0, and a report would show the hour.
    await sql`delete from report_conversion_hours h
      using json_to_recordset(${JSON.stringify(emptied.rows)}) as e(day bigint, offer_id integer,
        advertiser_id integer, hour bigint)
      where (h.day, h.offer_id, h.advertiser_id, h.hour) = (e.day, e.offer_id, e.advertiser_id, e.hour)
        and ${sql.raw(COUNTS.map((m) => `h.${m} = 0`).join(' and '))}`.execute(trx);
  });
}
