// SQL of a visitor's data request: their clicks (by id, or by IP over the clicks in a time window,
// in id order since clicks carry no IP index), the conversions of those clicks with their history,
// deliveries and inbound log rows.
import type { Db } from '../db/database.types.ts';
import { firstIdAt } from '../shared/ids.ts';

const CHUNK = 500;
/** Rows read per step of an IP scan. */
const SCAN_STEP = 5_000;

export async function findClicksOfVisitor(
  db: Db,
  who: { clickId?: string; ip?: string; from?: number; to?: number },
) {
  if (who.clickId) return db.selectFrom('clicks').selectAll().where('id', '=', who.clickId).execute();
  const found = [];
  let after = who.from === undefined ? '' : firstIdAt(who.from);
  const before = who.to === undefined ? undefined : firstIdAt(who.to);
  for (;;) {
    let q = db
      .selectFrom('clicks')
      .select(['id', 'ip'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(SCAN_STEP);
    if (before !== undefined) q = q.where('id', '<', before);
    const step = await q.execute();
    const ids = step.filter((r) => r.ip === who.ip).map((r) => r.id);
    for (let i = 0; i < ids.length; i += CHUNK) {
      found.push(
        ...(await db
          .selectFrom('clicks')
          .selectAll()
          .where('id', 'in', ids.slice(i, i + CHUNK))
          .execute()),
      );
    }
    if (step.length < SCAN_STEP) break;
    after = step[step.length - 1].id;
  }
  return found;
}

async function inChunks<T>(ids: string[], read: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await read(ids.slice(i, i + CHUNK))));
  return out;
}

export const findConversionsOfClicks = (db: Db, clickIds: string[]) =>
  inChunks(clickIds, (c) => db.selectFrom('conversions').selectAll().where('click_id', 'in', c).execute());

export const findEventsOfConversions = (db: Db, conversionIds: string[]) =>
  inChunks(conversionIds, (c) =>
    db.selectFrom('conversion_events').selectAll().where('conversion_id', 'in', c).orderBy('id').execute(),
  );

export const findLogRowsOfConversions = (db: Db, conversionIds: string[]) =>
  inChunks(conversionIds, (c) =>
    db.selectFrom('postback_log').selectAll().where('conversion_id', 'in', c).orderBy('id').execute(),
  );

/** Deletes the clicks, their conversions and everything recorded about those; returns the counts. */
export async function deleteVisitorRows(db: Db, clickIds: string[], conversionIds: string[]) {
  const counts = {
    clicks: 0,
    conversions: 0,
    conversionEvents: 0,
    deliveries: 0,
    deliveryAttempts: 0,
    postbackLog: 0,
  };
  const n = (r: { numDeletedRows: bigint }) => Number(r.numDeletedRows);
  for (let i = 0; i < conversionIds.length; i += CHUNK) {
    const c = conversionIds.slice(i, i + CHUNK);
    const deliveryIds = (
      await db.selectFrom('deliveries').select('id').where('conversion_id', 'in', c).execute()
    ).map((d) => d.id);
    if (deliveryIds.length > 0) {
      counts.deliveryAttempts += n(
        await db
          .deleteFrom('delivery_attempts')
          .where('delivery_id', 'in', deliveryIds)
          .executeTakeFirstOrThrow(),
      );
    }
    counts.deliveries += n(
      await db.deleteFrom('deliveries').where('conversion_id', 'in', c).executeTakeFirstOrThrow(),
    );
    counts.conversionEvents += n(
      await db.deleteFrom('conversion_events').where('conversion_id', 'in', c).executeTakeFirstOrThrow(),
    );
    counts.postbackLog += n(
      await db.deleteFrom('postback_log').where('conversion_id', 'in', c).executeTakeFirstOrThrow(),
    );
    counts.conversions += n(
      await db.deleteFrom('conversions').where('id', 'in', c).executeTakeFirstOrThrow(),
    );
  }
  for (let i = 0; i < clickIds.length; i += CHUNK) {
    counts.clicks += n(
      await db
        .deleteFrom('clicks')
        .where('id', 'in', clickIds.slice(i, i + CHUNK))
        .executeTakeFirstOrThrow(),
    );
  }
  return counts;
}
