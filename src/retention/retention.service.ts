// Retention: after N days a click keeps only the network part of its IP (/24, /48) and loses its
// user agent; after M days the inbound log's bodies and the delivery attempts' bodies are deleted.
// Conversions and their history are kept, and every row stays, so counts and reports do not move.
// Each pass walks its table in id order (time order) from where the last run stopped, one small
// batch per short transaction, resting between batches so clicks and postbacks are never held up.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppContext } from '../server/app-context.ts';
import { AppError } from '../shared/errors.ts';
import { firstIdAt } from '../shared/ids.ts';
import { anonymizeIp } from './anonymize-ip.ts';
import {
  anonymizeClicks,
  dropAttemptBodies,
  dropLogBodies,
  nextAttemptRows,
  nextClicksToAnonymize,
  nextLogRows,
  readRetentionSettings,
  writeRetentionSettings,
} from './retention.repository.ts';
import type { RetentionSettingsTable } from './retention.table.ts';

const DAY_MS = 86_400_000;
export const MAX_RETENTION_DAYS = 3650;

export interface RetentionOptions {
  now: number;
  /** Rows per transaction. */
  batchSize: number;
  /**
   * The share of wall time the job may spend in its batches (default BUSY_SHARE): after a batch
   * that took t ms it rests t × (1 / share − 1) ms, so the clicks and postbacks this process also
   * serves keep the rest. 1 = no rest (tests).
   */
  busyShare?: number;
}

export const BUSY_SHARE = 0.05;

export interface RetentionRun {
  startedAt: number;
  finishedAt: number;
  clicksAnonymized: number;
  logBodiesDeleted: number;
  attemptBodiesDeleted: number;
  batches: number;
}

export interface RetentionSettings {
  anonymizeAfterDays: number | null;
  purgeBodiesAfterDays: number | null;
  updatedAt: number;
  lastRunAt: number | null;
  lastRun: RetentionRun | null;
}

function toSettings(row: RetentionSettingsTable): RetentionSettings {
  return {
    anonymizeAfterDays: row.anonymize_after_days === null ? null : Number(row.anonymize_after_days),
    purgeBodiesAfterDays: row.purge_bodies_after_days === null ? null : Number(row.purge_bodies_after_days),
    updatedAt: Number(row.updated_at),
    lastRunAt: row.last_run_at === null ? null : Number(row.last_run_at),
    lastRun: row.last_run ? (JSON.parse(row.last_run) as RetentionRun) : null,
  };
}

export async function getRetentionSettings(ctx: AppContext): Promise<RetentionSettings> {
  return toSettings(await readRetentionSettings(ctx.store.db, ctx.clock.now()));
}

export async function updateRetentionSettings(
  ctx: AppContext,
  input: { anonymizeAfterDays?: number | null; purgeBodiesAfterDays?: number | null },
): Promise<RetentionSettings> {
  for (const [name, days] of Object.entries(input)) {
    if (
      days !== null &&
      days !== undefined &&
      (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS)
    )
      throw new AppError(
        'validation_failed',
        `${name}: a whole number of days from 1 to ${MAX_RETENTION_DAYS}, or null`,
      );
  }
  const now = ctx.clock.now();
  await readRetentionSettings(ctx.store.db, now);
  await writeRetentionSettings(ctx.store.db, {
    ...(input.anonymizeAfterDays !== undefined && { anonymize_after_days: input.anonymizeAfterDays }),
    ...(input.purgeBodiesAfterDays !== undefined && { purge_bodies_after_days: input.purgeBodiesAfterDays }),
    updated_at: now,
  });
  return getRetentionSettings(ctx);
}

/** Rests after a batch that began at `started`, in proportion to the time it took. */
function rest(started: number, busyShare = BUSY_SHARE): Promise<unknown> {
  const took = performance.now() - started;
  const ms = busyShare >= 1 ? 0 : took * (1 / busyShare - 1);
  return ms >= 1 ? sleep(ms) : new Promise<void>((r) => setImmediate(r));
}

async function anonymizeOldClicks(ctx: AppContext, cutoff: number, cursor: string, o: RetentionOptions) {
  const db = ctx.store.db;
  const beforeId = firstIdAt(cutoff);
  let done = 0;
  let batches = 0;
  for (;;) {
    const started = performance.now();
    const rows = await nextClicksToAnonymize(db, cursor, beforeId, o.batchSize);
    if (rows.length === 0) break;
    const byIp = new Map<string | null, string[]>();
    for (const r of rows) {
      const ip = anonymizeIp(r.ip);
      const ids = byIp.get(ip);
      if (ids) ids.push(r.id);
      else byIp.set(ip, [r.id]);
    }
    cursor = rows[rows.length - 1].id;
    await db.transaction().execute(async (trx) => {
      await anonymizeClicks(trx, byIp);
      await writeRetentionSettings(trx, { click_cursor: cursor });
    });
    done += rows.length;
    batches++;
    if (rows.length < o.batchSize) break;
    await rest(started, o.busyShare);
  }
  return { done, batches };
}

/** Walks a serial-id table up to the first row newer than the cutoff, emptying bodies batch by batch. */
async function purgeOldBodies(
  ctx: AppContext,
  cutoff: number,
  cursor: number,
  o: RetentionOptions,
  pass: {
    next: typeof nextLogRows;
    drop: typeof dropLogBodies;
    cursorColumn: 'log_cursor' | 'attempt_cursor';
  },
) {
  const db = ctx.store.db;
  let done = 0;
  let batches = 0;
  for (;;) {
    const started = performance.now();
    const rows = await pass.next(db, cursor, o.batchSize);
    const old = [];
    for (const r of rows) {
      if (Number(r.at) >= cutoff) break;
      old.push(Number(r.id));
    }
    if (old.length === 0) break;
    const [from, to] = [old[0], old[old.length - 1]];
    done += await db.transaction().execute(async (trx) => {
      const n = await pass.drop(trx, from, to);
      await writeRetentionSettings(trx, { [pass.cursorColumn]: to });
      return n;
    });
    cursor = to;
    batches++;
    if (old.length < o.batchSize) break;
    await rest(started, o.busyShare);
  }
  return { done, batches };
}

/** Applies the retention settings once, from where the last run stopped. */
export async function applyRetention(ctx: AppContext, options: RetentionOptions): Promise<RetentionRun> {
  const settings = await readRetentionSettings(ctx.store.db, options.now);
  const startedAt = ctx.clock.now();
  const run: RetentionRun = {
    startedAt,
    finishedAt: startedAt,
    clicksAnonymized: 0,
    logBodiesDeleted: 0,
    attemptBodiesDeleted: 0,
    batches: 0,
  };
  if (settings.anonymize_after_days !== null) {
    const cutoff = options.now - Number(settings.anonymize_after_days) * DAY_MS;
    const r = await anonymizeOldClicks(ctx, cutoff, settings.click_cursor, options);
    run.clicksAnonymized = r.done;
    run.batches += r.batches;
  }
  if (settings.purge_bodies_after_days !== null) {
    const cutoff = options.now - Number(settings.purge_bodies_after_days) * DAY_MS;
    const logs = await purgeOldBodies(ctx, cutoff, Number(settings.log_cursor), options, {
      next: nextLogRows,
      drop: dropLogBodies,
      cursorColumn: 'log_cursor',
    });
    const attempts = await purgeOldBodies(ctx, cutoff, Number(settings.attempt_cursor), options, {
      next: nextAttemptRows,
      drop: dropAttemptBodies,
      cursorColumn: 'attempt_cursor',
    });
    run.logBodiesDeleted = logs.done;
    run.attemptBodiesDeleted = attempts.done;
    run.batches += logs.batches + attempts.batches;
  }
  run.finishedAt = ctx.clock.now();
  await writeRetentionSettings(ctx.store.db, { last_run_at: options.now, last_run: JSON.stringify(run) });
  return run;
}
