// Where every statement is a round trip to the database server (the store's inboundWriter calls
// this step there), a batch's new conversions are written together: one statement each for their
// conversions, log rows, history events, the postbacks they concern, their deliveries, and the
// rewards balances and ledger entries, instead of five to eight round trips for each hit. Only the
// first hit of each dedupe key in the batch is tried this way; a hit whose key was already taken (its stored conversion read here, for all of them at once), and every later
// hit, is then written one at a time in batch order, after these (inbound-write.ts), so each
// still sees what the batch wrote before it. See docs/decisions/0007-batched-postgresql-ingest.md.
import type { Db } from '../../db/database.types.ts';
import { enqueueDeliveriesForEvents } from '../../deliveries/outbox/enqueue-deliveries.ts';
import { applyRewardsForCreated } from '../../rewards/reward-crediting.service.ts';
import type { AppContext } from '../../server/app-context.ts';
import {
  findConversionsByDedupeKeys,
  insertConversionsUnlessDuplicate,
  insertEventsOfConversions,
  insertPostbackLogsOfConversions,
} from '../conversion.repository.ts';
import type { ConversionRow } from '../conversion.table.ts';
import type { InboundResult } from './inbound-codes.ts';
import {
  createdEventRow,
  createdResult,
  type InboundWork,
  newConversionRow,
  postbackLogRow,
} from './inbound-rows.ts';

/** What writing a batch's new conversions together left for the hits written one at a time. */
export interface WrittenTogether {
  /** How many deliveries were queued. */
  queued: number;
  /** By position in the batch: the stored conversion of a first hit whose key was taken. */
  taken: Map<number, ConversionRow>;
}

/**
 * Writes the conversions that the batch's hits create, and fills `results` at their positions;
 * the other positions are left for the caller.
 */
export async function writeNewConversionsTogether(
  ctx: AppContext,
  trx: Db,
  batch: readonly InboundWork[],
  results: (InboundResult | undefined)[],
): Promise<WrittenTogether> {
  const firsts: { index: number; work: Extract<InboundWork, { prepared: unknown }>; row: ConversionRow }[] =
    [];
  const keys = new Set<string>();
  batch.forEach((work, index) => {
    // A capped conversion takes its cap slot first: it is written on its own (inbound-write.ts).
    if (!('prepared' in work) || work.prepared.capped || keys.has(work.prepared.dedupeKey)) return;
    keys.add(work.prepared.dedupeKey);
    firsts.push({ index, work, row: newConversionRow(work.prepared, work.now) });
  });
  if (firsts.length === 0) return { queued: 0, taken: new Map() };
  // In key order, so that two batches racing for the same keys take their locks in the same order
  // and one waits for the other instead of deadlocking.
  const rows = firsts.map((f) => f.row).sort((x, y) => (x.dedupe_key < y.dedupe_key ? -1 : 1));
  const inserted = await insertConversionsUnlessDuplicate(trx, rows);
  const created = firsts.filter((f) => inserted.has(f.row.id));
  const taken = await storedConversionsOf(
    trx,
    firsts.filter((f) => !inserted.has(f.row.id)),
  );
  if (created.length === 0) return { queued: 0, taken };

  const logIds = await insertPostbackLogsOfConversions(
    trx,
    created.map(({ work, row }) => ({
      ...postbackLogRow(ctx, work.request, work.now, createdResult(row), work.prepared.advertiserId),
      conversion_id: row.id,
    })),
  );
  const events = await insertEventsOfConversions(
    trx,
    created.map(({ row }) => createdEventRow(row, found(logIds, row.id))),
  );
  const queued = await enqueueDeliveriesForEvents(
    trx,
    created.map(({ row }) => ({ conversion: row, event: found(events, row.id) })),
  );
  await applyRewardsForCreated(
    ctx,
    trx,
    created.map(({ row, work }) => ({
      conversion: row,
      eventId: found(events, row.id).id,
      now: work.now,
      subs: work.prepared.click.subs,
    })),
  );
  for (const { index, row } of created) results[index] = createdResult(row);
  return { queued, taken };
}

/**
 * The stored conversions whose keys these hits found taken, read together, by batch position. A
 * key whose row is gone again (deleted since) is left out: that hit then tries its insert anew.
 */
async function storedConversionsOf(
  trx: Db,
  hits: readonly { index: number; row: ConversionRow }[],
): Promise<Map<number, ConversionRow>> {
  if (hits.length === 0) return new Map();
  const stored = await findConversionsByDedupeKeys(
    trx,
    hits.map((h) => h.row.dedupe_key),
  );
  const taken = new Map<number, ConversionRow>();
  for (const { index, row } of hits) {
    const conversion = stored.get(row.dedupe_key);
    if (conversion) taken.set(index, conversion);
  }
  return taken;
}

function found<T>(byConversion: Map<string, T>, conversionId: string): T {
  const value = byConversion.get(conversionId);
  if (value === undefined) throw new Error(`no row came back for conversion ${conversionId}`);
  return value;
}
