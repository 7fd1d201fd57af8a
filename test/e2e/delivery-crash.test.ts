// The real server as a child process: kill -9 it while attempts are in flight, start it again, and
// every delivery still arrives (at-least-once through the lease). On PostgreSQL, two worker
// processes share one queue and never send the same delivery at the same time.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.types.ts';
import {
  deliveryRows,
  type Receiver,
  seedDeliveries,
  startReceiver,
} from '../../src/deliveries/delivery.test-support.ts';
import { TEST_ADMIN_KEY } from '../support/app.ts';
import { describeEachStore, openTestStore, type TestStore } from '../support/stores.ts';

const ROOT = join(import.meta.dirname, '..', '..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface Child {
  process: ChildProcess;
  output: string[];
}

function spawnTrackwire(command: 'serve' | 'worker', env: Record<string, string>): Child {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, ['bin/trackwire.js', command], {
    cwd: ROOT,
    env: {
      ...inherited,
      HOST: '127.0.0.1',
      TRACKWIRE_ADMIN_KEY: TEST_ADMIN_KEY,
      TRACKWIRE_ALLOW_PRIVATE_TARGETS: 'true',
      TRACKWIRE_RETRY_SCHEDULE: '50ms,100ms,200ms',
      TRACKWIRE_LEASE: '2s',
      TRACKWIRE_WORKER_POLL: '100ms',
      TRACKWIRE_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (d) => output.push(String(d)));
  child.stderr?.on('data', (d) => output.push(String(d)));
  return { process: child, output };
}

async function killHard(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGKILL');
  await exited;
}

async function stopGracefully(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGTERM');
  await exited;
}

async function allSucceeded(db: Db, ids: string[]): Promise<boolean> {
  const rows = await deliveryRows(db, ids);
  return rows.length === ids.length && rows.every((r) => r.status === 'succeeded');
}

describeEachStore('delivery crash recovery', (current) => {
  let dir: string;
  let shared: TestStore;
  let receiver: Receiver;
  const children: Child[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trackwire-crash-'));
    // The child needs a store it can open too: a file for SQLite, the suite's database for PostgreSQL.
    shared =
      current().dialect === 'postgres'
        ? current()
        : await openTestStore('sqlite', { sqlitePath: join(dir, 'trackwire.sqlite') });
  });
  afterEach(async () => {
    for (const child of children.splice(0)) await killHard(child);
    await receiver?.close();
  });
  afterAll(async () => {
    if (shared !== current()) await shared.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const storeEnv = (): Record<string, string> =>
    shared.databaseUrl ? { DATABASE_URL: shared.databaseUrl } : { TRACKWIRE_DATA_DIR: dir };

  it('sends every delivery at least once after the server is killed mid-attempt', {
    timeout: 60_000,
  }, async () => {
    let crashed = false;
    // Before the crash the receiver stalls (the attempts hang in flight); afterwards it answers at once.
    receiver = await startReceiver(() => (crashed ? { status: 200 } : { status: 200, delayMs: 30_000 }));
    const seeded = await seedDeliveries(shared.store.db, receiver.url, 20, {
      postback: { timeout_ms: 20_000 },
    });
    const env = { ...storeEnv(), PORT: String(await freePort()) };

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
    if (!shared.databaseUrl) {
      // SQLite has one writer and one claimer per store; the multi-process case is PostgreSQL's.
      expect(shared.store.capabilities.skipLocked).toBe(false);
      return;
    }
    receiver = await startReceiver(() => ({ status: 200, delayMs: 5 }));
    const seeded = await seedDeliveries(shared.store.db, receiver.url, 300);
    const workers = [spawnTrackwire('worker', storeEnv()), spawnTrackwire('worker', storeEnv())];
    children.push(...workers);
    await waitFor('every delivery to succeed', () => allSucceeded(shared.store.db, seeded.deliveryIds));
    expect(receiver.maxConcurrentPerDelivery).toBe(1);
    for (const id of seeded.deliveryIds) expect(receiver.countOf(id)).toBe(1);
    for (const w of workers) await stopGracefully(w);
  });
});
