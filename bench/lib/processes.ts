// Child processes under test: Trackwire itself (through its real CLI) and the bare reference server.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

export interface Child {
  proc: ChildProcess;
  url: string;
  pid: number;
  /** Resident memory now and at its peak, in MB (Linux /proc). */
  memory(): { rssMb: number; peakMb: number };
  /** CPU time used so far, user and system, in ms (Linux /proc; all threads). */
  cpuMs(): number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

function readMemory(pid: number): { rssMb: number; peakMb: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return { rssMb: 0, peakMb: 0 };
  }
}

// /proc reports CPU times in USER_HZ ticks, which Linux fixes at 100 per second for user space.
const TICKS_PER_MS = 100 / 1000;

function readCpuMs(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces, so split after its closing paren):
    // utime and stime are the 14th and 15th of the line, the 12th and 13th after the paren.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_MS;
  } catch {
    return Number.NaN;
  }
}

async function waitFor(url: string, proc: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null)
      throw new Error(`process exited with ${proc.exitCode} before answering ${url}`);
    try {
      const res = await fetch(url, { redirect: 'manual' });
      if (res.status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no answer from ${url} within ${timeoutMs} ms`);
}

/** Starts a node process; ready when `probeUrl` answers, or (without one) when it is still running after 1.5 s. */
async function launch(
  args: string[],
  env: Record<string, string>,
  url: string,
  probeUrl?: string,
): Promise<Child> {
  const proc = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    // Output goes nowhere, but it is still produced: logging stays part of what is measured.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const child: Child = {
    proc,
    url,
    pid: proc.pid!,
    memory: () => readMemory(proc.pid!),
    cpuMs: () => readCpuMs(proc.pid!),
    stop: () =>
      new Promise((done) => {
        if (proc.exitCode !== null) return done();
        proc.once('exit', () => done());
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 10_000).unref();
      }),
  };
  if (probeUrl) {
    await waitFor(probeUrl, proc);
  } else {
    await new Promise((r) => setTimeout(r, 1500));
    if (proc.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${proc.exitCode}`);
  }
  return child;
}

let trackwireNodeArgs: string[] = [];
/** The built server, as in production (`npm run bench` builds it first). */
let trackwireEntry = ['bin/trackwire.js'];

/** Runs Trackwire from its TypeScript sources instead of dist/ (tests of the bench itself). */
export function runTrackwireFromSource(): void {
  trackwireEntry = ['bin/run-ts.js', 'src/cli/main.ts'];
}

/** Makes every Trackwire process started from now on write a CPU profile into `dir` when it exits. */
export function profileTrackwireInto(dir: string): void {
  trackwireNodeArgs = ['--cpu-prof', `--cpu-prof-dir=${resolve(dir)}`];
}

/** Trackwire through its real CLI: `serve` for the API roles, `worker` (no HTTP) for the worker. */
export async function startTrackwire(
  env: Record<string, string>,
  role: 'all' | 'api' | 'worker' = 'api',
): Promise<Child> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const fullEnv = { ...env, PORT: String(port), HOST: '127.0.0.1', TRACKWIRE_ROLE: role };
  if (role === 'worker') return launch([...trackwireNodeArgs, ...trackwireEntry, 'worker'], fullEnv, '');
  return launch([...trackwireNodeArgs, ...trackwireEntry, 'serve'], fullEnv, url, `${url}/healthz`);
}

export async function startReference302(): Promise<Child> {
  const port = await freePort();
  return launch(
    ['bench/reference-302-server.js'],
    { PORT: String(port) },
    `http://127.0.0.1:${port}`,
    `http://127.0.0.1:${port}/`,
  );
}
