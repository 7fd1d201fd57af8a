// The conversion rollup's catch-up on PostgreSQL against status changes and erasures that run at
// the same moment, in both orders (the change's trigger holds the mark's table first, or the
// catch-up does), against a conversion whose transaction is still open, and against itself.
import { sql } from 'kysely';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import {
  catchUpConversions,
  expectedRollup,
  rollupConversions,
  seedRollupClicks,
  storedRollup,
} from '../../../test/support/conversion-rollup.ts';
import { describePostgres } from '../../../test/support/stores.ts';
import { insertConversionsUnlessDuplicate } from '../../conversions/conversion.repository.ts';
import type { ConversionRow } from '../../conversions/conversion.table.ts';
import type { ClickRow } from '../../tracking/clicks/click.table.ts';
import type { Db } from '../database.types.ts';
import { readNewestSettledConversion, rollConversionsThrough } from './conversion-rollup-catch-up.ts';

/** A promise and the function that settles it. */
function gate(): [Promise<void>, () => void] {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return [opened, open];
}

/**
 * Resolves once a backend of this database waits for a lock in a statement starting with one of
 * `queries`; fails if `waiter`, the work that should wait, settles first.
 */
async function untilWaiting(db: Db, queries: string[], waiter: Promise<unknown>): Promise<void> {
  let settled = false;
  waiter.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  for (;;) {
    const { rows } = await sql<{ n: string }>`select count(*) as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'
        and (${sql.join(
          queries.map((q) => sql`query like ${`${q}%`}`),
          sql` or `,
        )})`.execute(db);
    if (Number(rows[0].n) > 0) return;
    if (settled) throw new Error(`finished without waiting for a lock in ${queries.join(' or ')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describePostgres('conversion rollup catch-up', (current) => {
  let clicks = new Map<string, ClickRow>();
  let rolled: ConversionRow[] = [];
  let fresh: ConversionRow[] = [];
  let stored = new Map<string, ConversionRow>();

  beforeAll(async () => {
    clicks = await seedRollupClicks(current().store.db);
  });

  // Conversions rolled up, and as many after the mark with the same rollup keys.
  beforeEach(async () => {
    const { store } = current();
    await store.db.deleteFrom('conversions').execute();
    await store.db.deleteFrom('report_conversions').execute();
    const tag = `${Date.now()}`;
    rolled = rollupConversions(clicks, 8, `r${tag}`);
    fresh = rollupConversions(clicks, 8, `f${tag}`);
    await insertConversionsUnlessDuplicate(store.db, rolled);
    await catchUpConversions(store);
    await insertConversionsUnlessDuplicate(store.db, fresh);
    stored = new Map([...rolled, ...fresh].map((cv) => [cv.id, cv]));
  });

  /**
   * Status changes and erasures of conversions rolled up and not yet, one statement each, so one
   * trigger call decides for both whether they are in the rollup.
   */
  async function changeAndErase(trx: Db) {
    const changed = [rolled[1], fresh[1]];
    await trx
      .updateTable('conversions')
      .set({ status: 'reversed' })
      .where(
        'id',
        'in',
        changed.map((cv) => cv.id),
      )
      .execute();
    for (const cv of changed) stored.set(cv.id, { ...cv, status: 'reversed' });
    const erased = [rolled[2].id, fresh[2].id];
    await trx.deleteFrom('conversions').where('id', 'in', erased).execute();
    for (const id of erased) stored.delete(id);
  }

  async function expectExact() {
    const db = current().store.db;
    const expected = expectedRollup(stored.values(), clicks);
    expect(await storedRollup(db, 'report_conversions_now')).toEqual(expected);
    await catchUpConversions(current().store);
    expect(await storedRollup(db, 'report_conversions')).toEqual(expected);
  }

  it('waits for a status change that holds the mark, then adds what it committed', async () => {
    const db = current().store.db;
    const newest = await readNewestSettledConversion(db);
    expect(newest).not.toBeNull();
    const [changed, hasChanged] = gate();
    const [released, release] = gate();
    const change = db.transaction().execute(async (trx) => {
      await changeAndErase(trx);
      hasChanged();
      await released;
    });
    await changed;
    const catchUp = rollConversionsThrough(db, newest as number);
    // Waiting anywhere: at its lock, or (were the trigger not to lock) at a rollup row the change wrote.
    await untilWaiting(
      db,
      ['lock table report_conversion_progress', 'insert into report_conversions'],
      catchUp,
    );
    release();
    await change;
    expect(await catchUp).toBeGreaterThan(0);
    expect(await storedRollup(db, 'report_conversions')).toEqual(expectedRollup(stored.values(), clicks));
    await expectExact();
  });

  it('makes a status change wait for a running catch-up, then counts it against the new mark', async () => {
    const db = current().store.db;
    const newest = await readNewestSettledConversion(db);
    // The rollup's rows held elsewhere stop the catch-up inside its transaction, its lock taken.
    const [held, isHeld] = gate();
    const [freed, free] = gate();
    const holder = db.transaction().execute(async (trx) => {
      await sql`select 1 from report_conversions for update`.execute(trx);
      isHeld();
      await freed;
    });
    await held;
    const catchUp = rollConversionsThrough(db, newest as number);
    await untilWaiting(db, ['insert into report_conversions'], catchUp);
    const change = db.transaction().execute(changeAndErase);
    await untilWaiting(db, ['update "conversions"'], change);
    free();
    await holder;
    expect(await catchUp).toBeGreaterThan(0);
    await change;
    expect(await storedRollup(db, 'report_conversions')).toEqual(expectedRollup(stored.values(), clicks));
    await expectExact();
  });

  it('does not move its mark past a conversion whose transaction has not committed', async () => {
    const { store } = current();
    const db = store.db;
    const [inserted, isInserted] = gate();
    const [released, release] = gate();
    const [held, later] = rollupConversions(clicks, 2, `open${Date.now()}`);
    const open = db.transaction().execute(async (trx) => {
      await insertConversionsUnlessDuplicate(trx, [held]);
      isInserted();
      await released;
    });
    await inserted;
    await insertConversionsUnlessDuplicate(db, [later]);
    // The catch-up cannot take its lock while the transaction is open, and gives up.
    expect(await store.conversionRollup.catchUp()).toBe(0);
    release();
    await open;
    stored.set(held.id, held);
    stored.set(later.id, later);
    await expectExact();
  });

  it('adds each conversion once when catch-ups run at once', async () => {
    const { store } = current();
    const more = rollupConversions(clicks, 40, `many${Date.now()}`);
    await insertConversionsUnlessDuplicate(store.db, more);
    for (const cv of more) stored.set(cv.id, cv);
    await Promise.all([1, 2, 3].map(() => store.conversionRollup.catchUp()));
    await expectExact();
  });
});
