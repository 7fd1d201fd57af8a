// The real server as a child process, from its TypeScript sources (bin/trackwire.js runs them
// built), for tests that kill it, restart it, or run several: a store it can share with the test,
// spawning, stopping hard or gracefully, and waiting for what it should have done.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { TEST_ADMIN_KEY } from './app.ts';
import { openTestStore, type TestStore } from './stores.ts';

const ROOT = join(import.meta.dirname, '..', '..');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface Child {
  process: ChildProcess;
  output: string[];
}

export function spawnTrackwire(command: 'serve' | 'worker', env: Record<string, string>): Child {
  return spawnCommand([command], env);
}

/** Runs a one-shot command (`keys create …`, `migrate`) to its end; its exit code and output. */
export async function runTrackwire(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawnCommand(args, env);
  const code = await new Promise<number | null>((resolve) => child.process.once('close', resolve));
  return { code, output: child.output.join('') };
}

function spawnCommand(args: string[], env: Record<string, string>): Child {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, ['bin/run-ts.js', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: {
      ...inherited,
      HOST: '127.0.0.1',
      TRACKWIRE_ADMIN_KEY: TEST_ADMIN_KEY,
      TRACKWIRE_ALLOW_PRIVATE_TARGETS: 'true',
      TRACKWIRE_RETRY_SCHEDULE: '50ms,100ms,200ms',
      TRACKWIRE_LEASE: '2s',
      TRACKWIRE_ATTEMPT_TIMEOUT: '1s',
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

export async function killHard(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGKILL');
  await exited;
}

export async function stopGracefully(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGTERM');
  await exited;
}

export interface SharedStore {
  /** The store as this test process opens it. */
  store: TestStore;
  /** The data folder: SQLite's file and its click journals live here. */
  dir: string;
  /** Environment that points a child at the same store. */
  env: Record<string, string>;
  /** Children to kill, if still running, after each test. */
  children: Child[];
}

/**
 * Inside a describeEachStore body: a store that child processes can open too (a SQLite file in a
 * fresh folder, or the suite's PostgreSQL database), and hooks that kill leftover children after
 * each test and remove the folder at the end.
 */
export function useSharedStore(current: () => TestStore, prefix: string): () => SharedStore {
  let shared: SharedStore | undefined;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    const postgres = current().dialect === 'postgres';
    const store = postgres
      ? current()
      : await openTestStore('sqlite', { sqlitePath: join(dir, 'trackwire.sqlite') });
    const env: Record<string, string> = store.databaseUrl
      ? { DATABASE_URL: store.databaseUrl }
      : { TRACKWIRE_DATA_DIR: dir };
    shared = { store, dir, env, children: [] };
  });
  afterEach(async () => {
    for (const child of shared?.children.splice(0) ?? []) await killHard(child);
  });
  afterAll(async () => {
    if (!shared) return;
    if (shared.store !== current()) await shared.store.close();
    rmSync(shared.dir, { recursive: true, force: true });
  });
  return () => {
    if (!shared) throw new Error('shared store not open yet');
    return shared;
  };
}

/** Starts `serve` on a free port over the shared store and waits until it answers. */
export async function startServer(
  shared: SharedStore,
  env: Record<string, string> = {},
): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const child = spawnTrackwire('serve', { ...shared.env, PORT: String(port), ...env });
  shared.children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the server to answer', async () => {
    try {
      return (await fetch(`${url}/healthz`)).ok;
    } catch {
      return false;
    }
  }).catch((error) => {
    throw new Error(`${(error as Error).message}\n${child.output.join('')}`);
  });
  return { child, url };
}
