// The real server as a child process: kill -9 it while attempts are in flight, start it again, and
// every delivery still arrives (at-least-once through the lease). On PostgreSQL, two worker
// processes share one queue and never send the same delivery at the same time.
import { afterEach, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.types.ts';
import {
  freePort,
  killHard,
  spawnTrackwire,
  stopGracefully,
  useSharedStore,
  waitFor,
} from '../support/processes.ts';
import { deliveryRows, type Receiver, seedDeliveries, startReceiver } from '../support/receiver.ts';
import { describeEachStore } from '../support/stores.ts';

async function allSucceeded(db: Db, ids: string[]): Promise<boolean> {
  const rows = await deliveryRows(db, ids);
  return rows.length === ids.length && rows.every((r) => r.status === 'succeeded');
}

describeEachStore('delivery crash recovery', (current) => {
  // The children need a store they can open too: a file for SQLite, the suite's database for PostgreSQL.
  const sharedStore = useSharedStore(current, 'trackwire-crash-');
  let receiver: Receiver;
  afterEach(async () => {
    await receiver?.close();
  });

  it('sends every delivery at least once after the server is killed mid-attempt', {
    timeout: 60_000,
  }, async () => {
    let crashed = false;
    // Before the crash the receiver stalls (the attempts hang in flight); afterwards it answers at once.
    receiver = await startReceiver(() => (crashed ? { status: 200 } : { status: 200, delayMs: 30_000 }));
    const { store: shared, env: storeEnv, children } = sharedStore();
    const seeded = await seedDeliveries(shared.store.db, receiver.url, 20, {
      postback: { timeout_ms: 20_000 },
    });
    const env = { ...storeEnv, PORT: String(await freePort()) };

    const first = spawnTrackwire('serve', env);
    children.push(first);
    await waitFor('attempts in flight', () => receiver.hits.length >= 5);
    await killHard(first);
    crashed = true;
    const stalled = new Set(receiver.hits.map((h) => h.deliveryId));
    const inFlight = (await deliveryRows(shared.store.db, seeded.deliveryIds)).filter(
      (r) => r.status === 'in_flight',
    );
    expect(inFlight.length).toBeGreaterThan(0);

    const second = spawnTrackwire('serve', env);
    children.push(second);
    await waitFor('every delivery to succeed', () => allSucceeded(shared.store.db, seeded.deliveryIds)).catch(
      (error) => {
        throw new Error(`${(error as Error).message}\n${second.output.join('')}`);
      },
    );
    for (const id of seeded.deliveryIds) expect(receiver.countOf(id)).toBeGreaterThanOrEqual(1);
    // The ones that were in flight at the crash were sent again (their first try never answered).
    for (const id of stalled) expect(receiver.countOf(id)).toBeGreaterThanOrEqual(2);
    await stopGracefully(second);
  });

  it('never sends one delivery concurrently from two worker processes', { timeout: 60_000 }, async () => {
    const { store: shared, env: storeEnv, children } = sharedStore();
    if (!shared.databaseUrl) {
      // SQLite has one writer and one claimer per store; the multi-process case is PostgreSQL's.
      expect(shared.store.capabilities.skipLocked).toBe(false);
      return;
    }
    receiver = await startReceiver(() => ({ status: 200, delayMs: 5 }));
    const seeded = await seedDeliveries(shared.store.db, receiver.url, 300);
    // Leases and timeouts no load can outlast: a lapsed lease or a timed-out attempt is sent again
    // by design (at-least-once), and here a second send must only ever mean a second claim.
    const patient = { ...storeEnv, TRACKWIRE_LEASE: '60s', TRACKWIRE_ATTEMPT_TIMEOUT: '20s' };
    const workers = [spawnTrackwire('worker', patient), spawnTrackwire('worker', patient)];
    children.push(...workers);
    await waitFor('every delivery to succeed', () => allSucceeded(shared.store.db, seeded.deliveryIds));
    expect(receiver.maxConcurrentPerDelivery).toBe(1);
    for (const id of seeded.deliveryIds) expect(receiver.countOf(id)).toBe(1);
    for (const w of workers) await stopGracefully(w);
  });
});
