// Two stores on one SQLite file, as the server and a `trackwire worker` process are: transactions
// that read then write must not fail when the other side commits in between, and waiting for the
// other side's lock must leave the event loop running.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clickRow } from '../../../test/support/rows.ts';
import type { Db } from '../database.types.ts';
import { migrateToLatest } from '../migrate.ts';
import { preparedQuery } from '../prepared-query.ts';
import { openStore, type Store } from '../store.ts';

const dir = mkdtempSync(join(tmpdir(), 'tw-dialect-'));
let a: Store;
let b: Store;

beforeAll(async () => {
  const sqlitePath = join(dir, 'shared.sqlite');
  a = openStore({ sqlitePath });
  await migrateToLatest(a.db, a.capabilities);
  b = openStore({ sqlitePath });
  await sql`create table counter (n integer not null)`.execute(a.db);
  await sql`insert into counter values (0)`.execute(a.db);
});
afterAll(async () => {
  await a.close();
  await b.close();
  rmSync(dir, { recursive: true, force: true });
});

async function increment(store: Store): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ n: number }>`select n from counter`.execute(trx);
    await new Promise((r) => setImmediate(r)); // let the other store run between read and write
    await sql`update counter set n = ${rows[0].n + 1}`.execute(trx);
  });
}

it('runs read-then-write transactions from two connections without losing an update', async () => {
  await Promise.all(Array.from({ length: 40 }, (_, i) => increment(i % 2 ? a : b)));
  const { rows } = await sql<{ n: number }>`select n from counter`.execute(a.db);
  expect(rows[0].n).toBe(40);
});

/**
 * Holds store a's write lock for `ms` and runs `waiter` meanwhile. Returns how long it waited and
 * whether the timer that releases the lock ran while the waiter was still waiting: a wait that
 * blocked the thread (SQLite's own busy handler) would keep that timer from running until it gave up.
 */
async function whileLocked(
  ms: number,
  waiter: () => Promise<unknown>,
): Promise<{ waited: number; loopTurned: boolean }> {
  let waiterDone = false;
  let loopTurned = false;
  let release = () => {};
  const held = a.db.transaction().execute(async (trx) => {
    await sql`update counter set n = n + 1`.execute(trx);
    await new Promise<void>((resolve) => {
      release = resolve;
    });
  });
  await new Promise((r) => setTimeout(r, 5));
  const started = Date.now();
  setTimeout(() => {
    loopTurned = !waiterDone;
    release();
  }, ms);
  await Promise.all([held, waiter().finally(() => (waiterDone = true))]);
  return { waited: Date.now() - started, loopTurned };
}

it('waits for the other connection’s lock without blocking the event loop', async () => {
  const before = (await sql<{ n: number }>`select n from counter`.execute(b.db)).rows[0].n;
  // A lone write on store b: retried while a holds the lock.
  const { waited, loopTurned } = await whileLocked(60, () =>
    sql`update counter set n = n + 100`.execute(b.db),
  );
  expect(waited).toBeGreaterThanOrEqual(50);
  expect(loopTurned).toBe(true); // SQLite's own busy handler would have slept the thread instead
  const { rows } = await sql<{ n: number }>`select n from counter`.execute(b.db);
  expect(rows[0].n).toBe(before + 101);
});

// Prepared queries run on the SQLite connection directly when no transaction is open; finding the
// lock taken, they must fall back to the dialect's waiting, not fail.
const addToCounter = preparedQuery(1, (db: Db, amount) =>
  (db as unknown as Kysely<{ counter: { n: number } }>)
    .updateTable('counter')
    .set((eb) => ({ n: eb('n', '+', amount) })),
);

it('runs a prepared write once the other connection lets go, without blocking the event loop', async () => {
  const before = (await sql<{ n: number }>`select n from counter`.execute(b.db)).rows[0].n;
  const { waited, loopTurned } = await whileLocked(60, () => addToCounter(b.db, 1000));
  expect(waited).toBeGreaterThanOrEqual(50);
  expect(loopTurned).toBe(true);
  const { rows } = await sql<{ n: number }>`select n from counter`.execute(b.db);
  expect(rows[0].n).toBe(before + 1001);
});

it('imports recorded clicks before a read, waiting out the other connection’s lock without blocking the event loop', async () => {
  const recorder = b.clicks.openWriter(pino({ level: 'silent' }));
  const clicks = Array.from({ length: 20 }, () =>
    clickRow({ link_id: 9, offer_id: 9, publisher_id: 9, advertiser_id: 9 }),
  );
  const countOnB = () => b.db.selectFrom('clicks').select('id').where('link_id', '=', 9).execute();
  const { waited, loopTurned } = await whileLocked(400, async () => {
    // Recording does not wait for the lock: the clicks are in b's journal.
    const started = Date.now();
    await Promise.all(clicks.map((click) => recorder.record(click)));
    expect(Date.now() - started).toBeLessThan(300);
    // A read on b must see them, so it waits until they can be imported.
    expect((await countOnB()).map((r) => r.id).sort()).toEqual(clicks.map((c) => c.id).sort());
  });
  expect(waited).toBeGreaterThanOrEqual(390);
  expect(loopTurned).toBe(true);
  const onA = await a.db.selectFrom('clicks').select('id').where('link_id', '=', 9).execute();
  expect(onA).toHaveLength(20);
  await recorder.close();
});
